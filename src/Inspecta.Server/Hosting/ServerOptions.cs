namespace Inspecta.Server.Hosting;

/// <summary>What <c>inspecta serve</c> was told; every limit that keeps a plant's server healthy under bad or heavy traffic.</summary>
/// <param name="ModelsDirectory">Folder of <c>*.inspecta</c> files; each is served under its file name without extension.</param>
/// <param name="Host">Address to listen on (127.0.0.1 by default; 0.0.0.0 for a camera PC on the line).</param>
/// <param name="Port">TCP port; 0 picks a free one (printed at start).</param>
/// <param name="ApiKeyFile">File of accepted API keys, one per line; null = no authentication.</param>
/// <param name="MaxConcurrency">Predictions computed at once (each may batch several images).</param>
/// <param name="MaxQueue">Images waiting for a worker beyond those being computed; more get 429.</param>
/// <param name="MaxUploadMb">Largest request body; more gets 413.</param>
/// <param name="MaxBatch">Most images one worker predicts in one batched call (methods with batched predict).</param>
/// <param name="MaxMegapixels">Largest image (from its header, before decoding); more gets 413.</param>
/// <param name="RequestTimeout">From arrival to response; a prediction not finished by then gets 504.</param>
/// <param name="UploadTimeout">Time a client has to send its whole body; a slower one gets 408.</param>
/// <param name="Drain">After SIGTERM: time during which new requests get 503 (load balancers notice) before the listener closes.</param>
/// <param name="ShutdownTimeout">How long in-flight requests may take to finish after SIGTERM.</param>
/// <param name="ReloadPoll">How often the models folder is rescanned (besides file-system events).</param>
public sealed record ServerOptions(
    string ModelsDirectory,
    string Host = "127.0.0.1",
    int Port = 8080,
    string? ApiKeyFile = null,
    int MaxConcurrency = 2,
    int MaxQueue = 32,
    int MaxUploadMb = 32,
    int MaxBatch = 8,
    double MaxMegapixels = 64,
    TimeSpan? RequestTimeout = null,
    TimeSpan? UploadTimeout = null,
    TimeSpan? Drain = null,
    TimeSpan? ShutdownTimeout = null,
    TimeSpan? ReloadPoll = null)
{
    public TimeSpan RequestTimeoutValue => RequestTimeout ?? TimeSpan.FromSeconds(30);
    public TimeSpan UploadTimeoutValue => UploadTimeout ?? TimeSpan.FromSeconds(10);
    public TimeSpan DrainValue => Drain ?? TimeSpan.Zero;
    public TimeSpan ShutdownTimeoutValue => ShutdownTimeout ?? TimeSpan.FromSeconds(30);
    public TimeSpan ReloadPollValue => ReloadPoll ?? TimeSpan.FromSeconds(2);
    public long MaxUploadBytes => MaxUploadMb * 1024L * 1024L;
    public long MaxPixels => (long)(MaxMegapixels * 1_000_000);

    /// <summary>Refuses nonsense limits with the option named (a user error, exit 2).</summary>
    public void Validate()
    {
        if (!Directory.Exists(ModelsDirectory)) throw InspectaUserException.ForFile(ModelsDirectory, "--models must be an existing folder of .inspecta files.");
        if (Port is < 0 or > 65535) throw new InspectaUserException($"--port must be between 0 and 65535, got {Port}.");
        if (MaxConcurrency < 1) throw new InspectaUserException($"--max-concurrency must be at least 1, got {MaxConcurrency}.");
        if (MaxQueue < 0) throw new InspectaUserException($"--max-queue must be at least 0, got {MaxQueue}.");
        if (MaxUploadMb < 1) throw new InspectaUserException($"--max-upload-mb must be at least 1, got {MaxUploadMb}.");
        if (MaxBatch < 1) throw new InspectaUserException($"--max-batch must be at least 1, got {MaxBatch}.");
        if (!(MaxMegapixels > 0)) throw new InspectaUserException($"--max-megapixels must be positive, got {MaxMegapixels}.");
        if (RequestTimeoutValue <= TimeSpan.Zero) throw new InspectaUserException("--timeout must be positive.");
        if (ApiKeyFile is not null && !File.Exists(ApiKeyFile)) throw InspectaUserException.ForFile(ApiKeyFile, "--api-key-file does not exist.");
    }
}
