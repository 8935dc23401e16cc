namespace QuicActors; internal static class AssemblyMarker { }
