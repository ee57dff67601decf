#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The CPU time the calling thread has used, in seconds (`CLOCK_THREAD_CPUTIME_ID`). Unlike
/// wall time it leaves out the time a busy shared machine spends running other processes, so
/// a ratio of two such times is steadier than one of wall times.
enum ThreadCPUTime {
  static var now: Double {
    var ts = timespec()
    guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0 else { return 0 }
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }
}
