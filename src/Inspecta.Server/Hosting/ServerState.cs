namespace Inspecta.Server.Hosting;

/// <summary>Whether the server is shutting down: from SIGTERM on, new requests get 503 while in-flight ones finish.</summary>
public sealed class ServerState
{
    private volatile bool _draining;
    public bool Draining => _draining;
    public void BeginDrain() => _draining = true;
}
