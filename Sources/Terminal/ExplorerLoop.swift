import Explorer
import Foundation

/// The explorer's event loop: present a frame, block for a key, update, perform effects.
/// Idle costs nothing: the loop sleeps in the blocking read.
public enum ExplorerLoop {
  /// Runs until the user quits or input ends. Returns the process exit status.
  public static func run(_ initial: ExplorerState, screen: CursesScreen) -> Int32 {
    var state = initial
    let size = screen.size
    state.width = size.width
    state.height = size.height
    while true {
      screen.present(state.render())
      guard let key = screen.nextKey() else { return 0 }
      for effect in state.update(key) {
        switch effect {
        case .quit: return 0
        case .writeFile(let path, let contents):
          do {
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
          } catch {
            state.status = "cannot write \(path): \(error.localizedDescription)"
            state.statusIsError = true
          }
        }
      }
    }
  }
}
