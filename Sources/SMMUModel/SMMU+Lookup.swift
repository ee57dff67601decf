/// Finding the structures: the STE through the stream table (linear or 2-level) and any
/// structure through the configuration cache.
extension SMMU {
  enum STELocation {
    case ste(address: UInt64, viaL1: Bool)
    case badStreamID
    case fetchAbort(UInt64)
  }

  /// Reads a structure through the configuration cache (or memory when `useCaches` is off).
  /// Returns nil on an external abort (nothing is cached then).
  func fetchLine(
    _ key: ConfigCacheKey, address: UInt64, qwords: Int, useCaches: Bool,
    _ lookup: inout ConfigLookup
  ) -> EntryQwords? {
    if useCaches, let (line, entry) = configCache.peekEntry(key) {
      lookup.access(ConfigAccess(key: key, line: line, hit: true, entry: entry))
      if line.address != address { lookup.linesAtComputedAddresses = false }
      lookup.note(.cached(key))
      lookup.record {
        $0.append(
          Self.structureStep(
            key, address: line.address, qwords: line.qwords,
            source: .cached(droppedBy: InvalidationScope.droppedBy(key))))
      }
      return line.entry
    }
    var q = EntryQwords()
    if qwords == 8 {
      guard let entry = try? memory.readEntry(address) else {
        lookup.access(ConfigAccess(key: key, line: nil, hit: false))
        lookup.record {
          $0.append(Self.structureStep(key, address: address, qwords: [], source: .fetchFailed))
        }
        return nil
      }
      q = entry
    } else {
      for i in 0..<qwords {
        guard let v = try? memory.read(address + UInt64(i * 8)) else {
          lookup.access(ConfigAccess(key: key, line: nil, hit: false))
          lookup.record {
            $0.append(Self.structureStep(key, address: address, qwords: [], source: .fetchFailed))
          }
          return nil
        }
        q[i] = v
      }
    }
    switch key {
    case .ste: lookup.steFetches += 1
    case .l1std: lookup.l1stdFetches += 1
    case .cd: lookup.cdFetches += 1
    case .l1cd: lookup.l1cdFetches += 1
    }
    let line = ConfigCacheLine(address: address, entry: q, count: qwords)
    lookup.access(ConfigAccess(key: key, line: line, hit: false))
    lookup.note(.fetched(key, address))
    lookup.record {
      $0.append(Self.structureStep(key, address: address, qwords: Array(q.prefix(qwords)), source: .fetched))
    }
    return q
  }

  /// The address of the STE for `sid` as the SMMU finds it from STRTAB_BASE/_CFG and memory
  /// (no caches), or nil when the SID is out of range or its L1 descriptor is not usable.
  package func steAddress(sid: UInt32) -> UInt64? {
    var lookup = ConfigLookup(recordsPath: false)
    guard case .ste(let address, _) = locateSTE(sid: sid, useCaches: false, &lookup) else { return nil }
    return address
  }

  /// Finds the STE's address: linear, or through the L1 descriptor (SPAN checks).
  func locateSTE(sid: UInt32, useCaches: Bool, _ lookup: inout ConfigLookup) -> STELocation {
    guard UInt64(sid) < UInt64(1) << UInt64(streamTableLog2Size) else { return .badStreamID }
    guard streamTableFormatIsTwoLevel else {
      return .ste(address: streamTableBase + UInt64(sid) * 64, viaL1: false)
    }
    let split = streamTableSplit
    let index = Int(sid >> UInt32(split))
    let l1Address = streamTableBase + UInt64(index * 8)
    guard
      let d = fetchLine(.l1std(index: index), address: l1Address, qwords: 1, useCaches: useCaches, &lookup)
    else { return .fetchAbort(l1Address) }
    let span = Int(d[0] & 0x1F)
    let low = Int(sid) & ((1 << split) - 1)
    lookup.record {
      $0.annotateLast(
        [
          WalkField("Span", String(span), decided: true),
          WalkField("L2Ptr", hex(d[0] & StreamTable.l1L2Ptr.mask), decided: true),
        ], note: "SID bits \(split - 1):0 = \(low) indexes the L2 table")
    }
    guard span >= 1, span <= 11, span <= split + 1, low < 1 << (span - 1) else { return .badStreamID }
    let l2 = d[0] & StreamTable.l1L2Ptr.mask
    return .ste(address: l2 + UInt64(low * 64), viaL1: true)
  }
}
