namespace QuicActors.TestKit; internal static class AssemblyMarker { }
