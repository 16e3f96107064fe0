/// Built for another API version.
@_cdecl("klynge_plugin_api_version")
public func klyngePluginAPIVersion() -> Int32 { 2 }

/// Must never run: klynge checks the version first.
@_cdecl("klynge_plugin_create")
public func klyngePluginCreate() -> UnsafeMutableRawPointer? { fatalError("the entry point of a plugin built for another API ran") }
