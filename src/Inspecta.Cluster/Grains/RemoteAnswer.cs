using Inspecta.Server.Api;

namespace Inspecta.Cluster.Grains;

/// <summary>
/// A model grain's answer to one image, rendered on the silo that predicted it so that only the answer crosses the
/// network: the JSON document (as the single server writes it), or the <c>output=</c> image with its score and verdict,
/// or the problem that refused the image (status, message, Retry-After).
/// </summary>
[GenerateSerializer, Immutable]
public sealed class RemoteAnswer
{
    [Id(0)] public int Status { get; init; } = 200;
    [Id(1)] public string? Json { get; init; }
    [Id(2)] public byte[]? Image { get; init; }
    [Id(3)] public string? ImageType { get; init; }
    [Id(4)] public string? Score { get; init; }
    [Id(5)] public string? Outcome { get; init; }
    [Id(6)] public string? Problem { get; init; }
    [Id(7)] public int? RetryAfterSeconds { get; init; }
    /// <summary>The silo that answered (logged by the front; tests check where replicas live).</summary>
    [Id(8)] public string Silo { get; init; } = "";

    public static RemoteAnswer From(ApiProblem p, string silo) => new() { Status = p.Status, Problem = p.Message, RetryAfterSeconds = p.RetryAfterSeconds, Silo = silo };

    public ApiProblem ToProblem() => new(Status, Problem ?? $"status {Status}") { RetryAfterSeconds = RetryAfterSeconds };
}
