using System.Security.Cryptography;

namespace Inspecta.Persistence;

/// <summary>The SHA-256 by which backbones, model files and cluster peers are identified.</summary>
public static class FileHash
{
    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
