using Microsoft.AspNetCore.Http;

namespace Inspecta.Server.Api;

/// <summary>
/// A request the server refuses, with the HTTP status and a message for the person who sent it; answered as
/// <c>application/problem+json</c> (RFC 9457) by <see cref="ProblemResponses"/>.
/// </summary>
public sealed class ApiProblem(int status, string detail, Exception? inner = null) : Exception(detail, inner)
{
    public int Status { get; } = status;
    /// <summary>Seconds a client should wait before retrying (429, 503), sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }
    /// <summary>The <c>WWW-Authenticate</c> challenge of a 401.</summary>
    public string? Challenge { get; init; }
    /// <summary>Close the connection after answering (a half-read body cannot be skipped).</summary>
    public bool CloseConnection { get; init; }

    public static ApiProblem BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);
    public static ApiProblem NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);
    public static ApiProblem Unprocessable(string detail, Exception? inner = null) => new(StatusCodes.Status422UnprocessableEntity, detail, inner);
}
