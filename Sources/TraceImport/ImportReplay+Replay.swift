import SMMUModel

/// Pass 2 of an import: the steps replayed through the model.
extension ImportReplay {
  /// What pass 2 made of the steps.
  struct Replayed {
    var translations: [ImportedTranslation] = []
    var hazards: [ImportedHazard] = []
    var state = ReplayState()
  }

  /// Pass 2: every step through the model, each translation compared with QEMU's.
  static func replay(
    _ read: TraceSteps, _ trace: QEMUTrace, commands: [ImportedCommand], on smmu: inout SMMU,
    caches: inout ImportCacheFigures, phases: ConsolePhases
  ) throws(ImportError) -> Replayed {
    var out = Replayed()
    out.translations.reserveCapacity(read.translations.count)
    var hazardCount = 0
    let raw = read.translations
    for step in read.steps {
      let applied = try apply(step, to: &smmu, state: &out.state, commands: commands, raw: raw, trace: trace)
      if case .translation(let i) = step, let result = applied.result {
        out.translations.append(compare(raw[i], result, caches: &caches, phases: phases))
      }
      if smmu.hazards.count > hazardCount {
        for h in smmu.hazards[hazardCount...] {
          out.hazards.append(
            ImportedHazard(hazard: h, traceLine: applied.line, phase: phases.phase(at: applied.time)))
        }
        hazardCount = smmu.hazards.count
      }
    }
    smmu.settle()
    if smmu.hazards.count > hazardCount {
      for h in smmu.hazards[hazardCount...] {
        out.hazards.append(ImportedHazard(hazard: h, traceLine: trace.events.last?.line ?? 0, phase: "(end)"))
      }
    }
    caches.modelConfigCache = smmu.configCache.stats
    caches.modelTLB = smmu.tlb.stats
    return out
  }

  /// One replayed translation beside QEMU's, counted in the cache figures.
  static func compare(
    _ r: RawTranslation, _ result: TranslationResult, caches: inout ImportCacheFigures, phases: ConsolePhases
  ) -> ImportedTranslation {
    let steKey = "\(ConfigCacheKey.ste(sid: r.sid)) cached"
    let cdKey = "\(ConfigCacheKey.cd(sid: r.sid, ssid: 0)) cached"
    let configHit = result.path.contains(steKey) && result.path.contains(cdKey)
    if configHit { caches.modelConfigHits += 1 } else { caches.modelConfigMisses += 1 }
    let modelTLBHit = result.servedBy == "TLB"
    if let q = r.tlbHit {
      if q && !modelTLBHit { caches.tlbHitQEMUOnly += 1 }
      if !q && modelTLBHit { caches.tlbHitModelOnly += 1 }
    }
    if let q = r.configHit {
      if q && !configHit { caches.configHitQEMUOnly += 1 }
      if !q && configHit { caches.configHitModelOnly += 1 }
    }
    return ImportedTranslation(
      traceLine: r.line, time: r.time, sid: r.sid, iova: r.iova, write: r.write, qemu: r.qemu,
      qemuConfigHit: r.configHit, qemuTLBHit: r.tlbHit, model: result.outcome,
      modelServedBy: result.servedBy, modelConfigHit: configHit, phase: phases.phase(at: r.time))
  }

  /// What the replay carries from step to step.
  struct ReplayState {
    var asidRoots: [UInt16: Set<UInt64>] = [:]
    var seeded = 0
    var unmaps = 0
    var replayed = 0
  }

  /// Applies one step of the replay to the model; returns the step's trace line and time, and
  /// the model's result for a translation.
  static func apply(
    _ step: Step, to smmu: inout SMMU, state: inout ReplayState, commands: [ImportedCommand],
    raw: [RawTranslation], trace: QEMUTrace
  ) throws(ImportError) -> (line: Int, time: Double?, result: TranslationResult?) {
    switch step {
    case .enable(let on):
      smmu.setEnabled(on)
      return (0, nil, nil)
    case .write(let l, let address, let new):
      do { try smmu.write(address, new, writer: "trace") } catch {
        throw ImportError(file: trace.path, line: l, "store to \(hex(address)): \(error)")
      }
      return (l, trace.events.first(where: { $0.line == l })?.time, nil)
    case .command(let i):
      let c = commands[i]
      guard let cmd = c.command else { return (c.traceLine, c.time, nil) }
      state.unmaps += inferUnmap(cmd, &smmu, state.asidRoots)
      smmu.submit([cmd])
      state.replayed += 1
      return (c.traceLine, c.time, nil)
    case .translation(let i):
      let r = raw[i]
      for (address, value) in r.descriptors {
        if smmu.memory.allocation(containing: address) == nil {
          let page = address & ~(PhysicalMemory.pageSize - 1)
          let owner = "page table (from QEMU walks)"
          if (try? smmu.allocate(at: page, bytes: PhysicalMemory.pageSize, purpose: .pageTable, owner: owner))
            == nil
          {
            _ = try? smmu.allocate(at: address, bytes: 8, purpose: .pageTable, owner: owner)
          }
        }
        if (try? smmu.read(address)) != value {
          _ = try? smmu.write(address, value, writer: "trace walk")
          state.seeded += 1
        }
      }
      let result = smmu.translate(Transaction(sid: r.sid, address: r.iova, write: r.write))
      if let cd = currentCD0(sid: r.sid, smmu), cd.isValid {
        state.asidRoots[cd.asidValue, default: []].insert(cd.tableAddress)
      }
      return (r.line, r.time, result)
    }
  }
}
