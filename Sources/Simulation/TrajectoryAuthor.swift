import Foundation

/// Who ran the simulation, as trajectory files record it (H5MD requires a non-empty author name).
public enum TrajectoryAuthor {
  /// `given` when it is not empty, else the login name (`USER`, then `LOGNAME`, then the password
  /// database), else `"unknown"`: never empty.
  public static func resolved(_ given: String?) -> String {
    if let given, !given.trimmingCharacters(in: .whitespaces).isEmpty { return given }
    let environment = ProcessInfo.processInfo.environment
    for variable in ["USER", "LOGNAME"] {
      if let name = environment[variable], !name.isEmpty { return name }
    }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name, name.pointee != 0 {
      return String(cString: name)
    }
    return "unknown"
  }
}
