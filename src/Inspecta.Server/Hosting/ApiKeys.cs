using System.Security.Cryptography;
using System.Text;
using Inspecta.Server.Api;
using Microsoft.AspNetCore.Http;

namespace Inspecta.Server.Hosting;

/// <summary>
/// Optional API-key check for <c>/v1/*</c>: the key comes as <c>X-Api-Key: k</c> or <c>Authorization: Bearer k</c>;
/// none gives 401, a wrong one 403. Keys are one per line in <c>--api-key-file</c> (blank lines and # comments skipped) and
/// are compared as SHA-256 digests in constant time. Health, readiness, metrics, the OpenAPI document and the page stay open
/// (the page asks for the key and sends it with its API calls).
/// </summary>
public sealed class ApiKeys
{
    private readonly byte[][] _digests;

    private ApiKeys(byte[][] digests) => _digests = digests;

    public static ApiKeys? Load(string? file)
    {
        if (file is null) return null;
        var keys = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        if (keys.Length == 0) throw InspectaUserException.ForFile(file, "--api-key-file holds no key (one per line).");
        return new ApiKeys([.. keys.Select(Digest)]);
    }

    public int Count => _digests.Length;

    public static bool Protects(PathString path) => path.StartsWithSegments("/v1", StringComparison.Ordinal);

    public void Check(HttpRequest request)
    {
        string? key = request.Headers["X-Api-Key"].FirstOrDefault();
        if (key is null && request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            key = auth["Bearer ".Length..].Trim();
        if (string.IsNullOrEmpty(key))
            throw new ApiProblem(StatusCodes.Status401Unauthorized, "this server needs an API key: send it as X-Api-Key or Authorization: Bearer.") { Challenge = "Bearer" };
        byte[] digest = Digest(key);
        bool ok = false;
        foreach (var d in _digests) ok |= CryptographicOperations.FixedTimeEquals(d, digest);
        if (!ok) throw new ApiProblem(StatusCodes.Status403Forbidden, "the API key is not accepted.");
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
