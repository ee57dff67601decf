import SMMUModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A text file that cannot be read: the file, the line and column of the first bad byte when
/// the problem is in the contents, and why (the system's errno text for an unreadable file).
package struct TextFileError: Error, Sendable, Hashable, CustomStringConvertible {
  package let file: String
  /// 1-based line of the first byte that is not UTF-8 (nil when the file could not be read).
  package let line: Int?
  /// 1-based column (in characters) of that byte.
  package let column: Int?
  package let message: String

  package init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  /// `FILE:LINE:COL: error: MESSAGE` (or `FILE: error: MESSAGE`).
  package var description: String {
    file + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "") + ": error: \(message)"
  }
}

/// The one way the project reads a text file (scenarios, traces, console logs, dump READMEs):
/// only regular files are opened (a FIFO or a directory is refused before it is opened, so
/// nothing blocks), failures carry the system's reason, the bytes must be UTF-8 (else the
/// line and column of the first bad byte), a UTF-8 byte-order mark is dropped and CRLF line
/// ends become LF.
package enum TextFile {
  /// Reads `path` as text.
  package static func read(_ path: String) throws(TextFileError) -> String {
    try decode(try readBytes(path), file: path)
  }

  /// Reads a regular file's bytes. A missing file, a directory, a FIFO or a device is an
  /// error saying which.
  package static func readBytes(_ path: String) throws(TextFileError) -> [UInt8] {
    var st = stat()
    guard stat(path, &st) == 0 else { throw TextFileError(file: path, "cannot read: \(errnoText())") }
    let type = st.st_mode & S_IFMT
    guard type != S_IFDIR else { throw TextFileError(file: path, "cannot read: \(errnoText(EISDIR))") }
    guard type == S_IFREG else {
      let kind = type == S_IFIFO ? "a FIFO" : type == S_IFSOCK ? "a socket" : "a device"
      throw TextFileError(file: path, "cannot read: it is \(kind), not a regular file")
    }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw TextFileError(file: path, "cannot read: \(errnoText())") }
    defer { close(fd) }
    var data: [UInt8] = []
    if st.st_size > 0 { data.reserveCapacity(Int(st.st_size)) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw TextFileError(file: path, "cannot read: \(errnoText())")
      }
      if n == 0 { break }
      data.append(contentsOf: buffer[0..<n])
    }
    return data
  }

  /// Decodes bytes read from `file` as UTF-8 text, without a BOM and with LF line ends.
  package static func decode(_ data: [UInt8], file: String) throws(TextFileError) -> String {
    var bytes = data[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    if bytes.contains(0x0D) { bytes = withoutCRBeforeLF(bytes)[...] }
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    let offset = firstInvalidUTF8(bytes) ?? 0
    let b = bytes[bytes.startIndex + offset]
    let (line, column) = position(ofByte: offset, in: bytes)
    throw TextFileError(
      file: file, line: line, column: column,
      "not UTF-8 text: byte \(hex(UInt64(b), digits: 2)) here is not valid UTF-8")
  }

  /// The bytes with every CR that ends a line (CR LF) removed.
  static func withoutCRBeforeLF(_ d: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(d.count)
    var i = d.startIndex
    while i < d.endIndex {
      let b = d[i]
      let next = d.index(after: i)
      if !(b == 0x0D && next < d.endIndex && d[next] == 0x0A) { out.append(b) }
      i = next
    }
    return out
  }

  /// Offset of the first byte that does not start a valid UTF-8 sequence, or nil.
  static func firstInvalidUTF8(_ d: ArraySlice<UInt8>) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var it = d.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &it) {
      case .valid(let s): offset += s.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  /// 1-based line and character column of the byte at `offset`.
  static func position(ofByte offset: Int, in d: ArraySlice<UInt8>) -> (line: Int, column: Int) {
    let before = d.prefix(offset)
    let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    let lineStart = before.lastIndex(of: 0x0A).map { before.index(after: $0) } ?? before.startIndex
    let prefix = String(decoding: before[lineStart...], as: UTF8.self)
    return (line, prefix.count + 1)
  }

  static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}

/// The C library's `read(2)` (inside `TextFile`, `read` names its own method).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(fd, buffer, count)
}
