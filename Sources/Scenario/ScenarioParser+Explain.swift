extension ScenarioParser {
  /// `explain dma MASTER [pasid P] IOVA [read|write]`: a DMA, like `dma`, whose walk through
  /// the hardware is recorded and reported (after the `explain` verb was read).
  mutating func parseExplain(_ c: inout Cursor) throws(Cursor.Failure) -> ScenarioCommand {
    let what = try c.word("dma")
    guard what.text == "dma" else {
      throw Cursor.Failure(column: what.column, message: "explain what? (explain dma MASTER [pasid N] IOVA)")
    }
    let m = try c.known("master", masters.keys.contains)
    let pasid = try optionalPASID(&c, master: m.text)
    let iova = try c.number(max: UInt64.max)
    var write = false
    if let k = c.next() {
      guard k.text == "read" || k.text == "write" else {
        throw Cursor.Failure(column: k.column, message: "expected read or write")
      }
      write = k.text == "write"
    }
    return .explainDMA(master: m.text, pasid: pasid, iova: iova, write: write)
  }
}
