/// The last STE, and the last CD with the STE that located it, found legal (no
/// `IllegalCondition` row holds). The rows read only the entries and the SMMU's features, so
/// an entry equal to a remembered one is legal without reading the rows again.
struct LegalityMemo: Sendable {
  var ste: EntryQwords?
  var cd: (ste: EntryQwords, cd: EntryQwords)?

  /// True when `ste` is the STE last found legal.
  func knowsLegal(ste q: EntryQwords) -> Bool { ste == q }

  /// True when `cd`, located by `ste`, is the CD last found legal with that STE.
  func knowsLegal(cd c: EntryQwords, ste s: EntryQwords) -> Bool {
    guard let cd else { return false }
    return cd.cd == c && cd.ste == s
  }
}
