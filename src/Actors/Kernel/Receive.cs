namespace QuicActors.Kernel;

/// <summary>A behaviour: handles <paramref name="message"/> and says whether it did.</summary>
public delegate bool Receive(object message);
