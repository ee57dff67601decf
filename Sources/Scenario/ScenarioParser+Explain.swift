extension ScenarioParser {
  /// `explain dma MASTER [pasid P] IOVA [read|write]`: a DMA, like `dma`, whose walk through
  /// the hardware is recorded and reported (after the `explain` verb was read).
  mutating func parseExplain(_ c: inout Cursor) throws(Cursor.Failure) -> ScenarioCommand {
    let what = try c.word("dma")
    guard what.text == "dma" else {
      throw Cursor.Failure(column: what.column, message: "explain what? (explain dma MASTER [pasid N] IOVA)")
    }
    guard case .dma(let m, let pasid, let iova, let write) = try parseDMA(&c) else {
      preconditionFailure("parseDMA returns a dma command")
    }
    return .explainDMA(master: m, pasid: pasid, iova: iova, write: write)
  }
}
