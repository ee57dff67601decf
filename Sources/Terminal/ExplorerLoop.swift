import Explorer
import Foundation

/// The explorer's event loop: present a frame, block for input, apply every key that is ready,
/// perform the effects, present once. Idle costs nothing: the loop sleeps in the blocking read.
package enum ExplorerLoop {
  /// Runs until the user quits or input ends. Returns the process exit status.
  package static func run(_ initial: ExplorerState, screen: CursesScreen) -> Int32 {
    var state = initial
    let size = screen.size
    state.width = size.width
    state.height = size.height
    while true {
      screen.present(state.render())
      guard let keys = screen.nextKeys() else { return 0 }
      for effect in state.update(batch: keys) {
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
