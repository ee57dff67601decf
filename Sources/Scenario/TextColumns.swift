/// `s` padded with spaces to `width` columns: right-aligned (numbers) or left-aligned (labels);
/// never cut. The text tables of `compare` and `sweep` and the sweep chart's axes use it.
package func padded(_ s: String, _ width: Int, right: Bool = true) -> String {
  let p = String(repeating: " ", count: max(0, width - s.count))
  return right ? p + s : s + p
}
