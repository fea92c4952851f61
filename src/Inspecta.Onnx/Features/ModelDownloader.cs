using System.Security.Cryptography;
using Inspecta.Detectors;

namespace Inspecta.Features;

/// <summary>
/// Downloads a backbone into the model cache: streamed to a temp file in the cache folder while
/// hashing, verified against the expected SHA-256, then renamed into place, so the cache never holds
/// a partial or unverified file.
/// </summary>
public static class ModelDownloader
{
    /// <summary>Downloads <paramref name="url"/> and returns the final path in <paramref name="cacheDirectory"/>.</summary>
    /// <param name="name">Preset or file name to store under; default: the URL's last path segment.</param>
    public static async Task<string> PullAsync(Uri url, string expectedSha256, string? name = null, string? cacheDirectory = null,
        IProgress<ProgressUpdate>? progress = null, HttpClient? client = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        string expected = expectedSha256.Trim().ToLowerInvariant();
        if (expected.Length != 64 || !expected.All(Uri.IsHexDigit))
            throw new InspectaUserException($"--sha256 must be 64 hex digits, got '{expectedSha256}'.");
        if (url.Scheme is not ("http" or "https")) throw new InspectaUserException($"Only http(s) URLs can be pulled, got '{url}'.");
        string fileName = TargetFileName(url, name);
        if (BackbonePreset.ForFile(fileName) is { BuiltIn: true } builtIn)
            throw new InspectaUserException($"'{fileName}' is the file of the built-in backbone {builtIn.Name}, which Inspecta derives itself; pull under another --name.");
        string dir = cacheDirectory ?? ModelCache.Directory;
        Directory.CreateDirectory(dir);
        string target = Path.Combine(dir, fileName);
        string tmp = Path.Combine(dir, $".{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.part");

        bool ownClient = client is null;
        client ??= new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        long received = 0;
        long? total = null;
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new InspectaUserException($"Download of {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            total = response.Content.Headers.ContentLength;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
            await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    sha.AppendData(buffer, 0, n);
                    received += n;
                    progress?.Report(new ProgressUpdate("download", received, total ?? 0));
                }
            }
            if (total is long t && received != t)
                throw new InspectaUserException($"Download of {url} was interrupted after {received} of {t} bytes; nothing was saved. Run the command again.");
            string actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (actual != expected)
                throw new InspectaUserException($"Download of {url} has SHA-256 {actual}, expected {expected}; the file was discarded. Check the URL and the hash.");
            File.Move(tmp, target, overwrite: true);
            return target;
        }
        catch (HttpRequestException ex)
        {
            throw new InspectaUserException($"Download of {url} failed after {received}{(total is long t ? $" of {t}" : "")} bytes ({ex.Message}); nothing was saved.", ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new InspectaUserException($"Download of {url} was interrupted after {received}{(total is long t ? $" of {t}" : "")} bytes ({ex.Message}); nothing was saved.", ex);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            if (ownClient) client.Dispose();
        }
    }

    private static string TargetFileName(Uri url, string? name)
    {
        if (name is not null)
        {

            if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains(".."))
                throw new InspectaUserException($"--name must be a plain preset or file name, got '{name}'.");
            return BackbonePreset.Find(name)?.FileName ?? (name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? name : name + ".onnx");
        }
        string last = Path.GetFileName(url.AbsolutePath);
        if (string.IsNullOrEmpty(last) || last.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new InspectaUserException($"Cannot derive a file name from '{url}'; pass --name.");
        return last;
    }

    /// <summary>The .onnx files in the cache with their sizes and the preset they serve, if any.</summary>
    public static IReadOnlyList<(string Path, long Bytes, string? Preset)> List(string? cacheDirectory = null)
    {
        string dir = cacheDirectory ?? ModelCache.Directory;
        if (File.Exists(dir)) throw InspectaUserException.ForFile(dir, "the model cache (INSPECTA_MODELS) is a file, not a folder.");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, "*.onnx").Order(StringComparer.Ordinal)
            .Select(f => (f, new FileInfo(f).Length, BackbonePreset.ForFile(f)?.Name)).ToArray();
    }
}
