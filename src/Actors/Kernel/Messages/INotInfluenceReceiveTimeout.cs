namespace QuicActors.Kernel;

/// <summary>Marks messages whose arrival does not reset the receive timeout.</summary>
public interface INotInfluenceReceiveTimeout;
