namespace QuicActors.Transport; internal static class AssemblyMarker { }
