using Inspecta.Imaging;

namespace Inspecta.Geometry.IO;

/// <summary>Writer choices; each format uses only its own setting.</summary>
public sealed record PointCloudWriteOptions
{
    public PcdEncoding PcdEncoding { get; init; } = PcdEncoding.Binary;
    public PlyEncoding PlyEncoding { get; init; } = PlyEncoding.BinaryLittleEndian;
    public static PointCloudWriteOptions Default { get; } = new();
}

/// <summary>
/// Point-cloud files by extension: .pcd, .ply, .xyz/.txt/.pts (text columns), .tif/.tiff (MVTec 3D-AD
/// organised xyz, 3-channel float32). Every failure is an <see cref="InspectaUserException"/> naming the file.
/// </summary>
public static class PointCloudIO
{
    public static readonly string[] ReadableExtensions = [".pcd", ".ply", ".xyz", ".txt", ".pts", ".tif", ".tiff"];
    public static readonly string[] WritableExtensions = [".pcd", ".ply", ".xyz", ".txt", ".pts"];

    /// <summary>Reads any supported file. An organised TIFF becomes an organised cloud with invalid pixels as NaN.</summary>
    public static PointCloud Read(string path)
    {
        string ext = CheckReadable(path);
        try
        {
            return ext switch
            {
                ".pcd" => PcdReader.Read(path),
                ".ply" => PlyReader.Read(path),
                ".tif" or ".tiff" => ReadOrganized(path).ToPointCloudWithInvalidAsNaN(),
                _ => XyzFormat.Read(path),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InspectaUserException.ForFile(path, $"cannot read ({ex.Message}).", ex);
        }
    }

    /// <summary>Reads an organised scan: MVTec 3D-AD xyz TIFF, or an organised PCD (HEIGHT &gt; 1).</summary>
    public static OrganizedCloud ReadOrganized(string path)
    {
        string ext = CheckReadable(path);
        if (ext is ".tif" or ".tiff")
        {
            // Coordinates are floats; an 8/16-bit image (e.g. a PNG renamed .tiff) would give nonsense points.
            var info = ImageIO.ReadInfo(path);
            if (info.BitDepth is not (32 or 64)) throw InspectaUserException.ForFile(path, $"an organised xyz TIFF must hold float samples, this file has {info.BitDepth}-bit samples.");
            ImageF img = ImageIO.Read(path);
            if (img.Channels != 3) throw InspectaUserException.ForFile(path, $"an organised xyz TIFF needs 3 channels (x, y, z), this one has {img.Channels}.");
            int plane = img.PlaneSize;
            var xyz = new float[3 * plane];
            for (int c = 0; c < 3; c++)
            {
                var src = img.Plane(c);
                for (int i = 0; i < plane; i++) xyz[3 * i + c] = src[i];
            }
            return new OrganizedCloud(img.Height, img.Width, xyz);
        }
        var cloud = Read(path);
        if (!cloud.IsOrganized) throw InspectaUserException.ForFile(path, $"is not an organised cloud (HEIGHT is 1; {cloud.Count} points).");
        return new OrganizedCloud(cloud.Height, cloud.Width, (float[])cloud.Positions.Clone());
    }

    /// <summary>Writes by extension (.pcd, .ply, .xyz/.txt/.pts).</summary>
    public static void Write(string path, PointCloud cloud, PointCloudWriteOptions? options = null)
    {
        options ??= PointCloudWriteOptions.Default;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".pcd": PcdWriter.Write(path, cloud, options.PcdEncoding); break;
            case ".ply": PlyWriter.Write(path, cloud, options.PlyEncoding); break;
            case ".xyz" or ".txt" or ".pts": XyzFormat.Write(path, cloud); break;
            default: throw InspectaUserException.ForFile(path, $"unknown point-cloud extension '{ext}'; supported for writing: {string.Join(", ", WritableExtensions)}.");
        }
    }

    private static string CheckReadable(string path)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, Directory.Exists(path) ? "is a directory, expected a point-cloud file." : "file not found.");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (Array.IndexOf(ReadableExtensions, ext) < 0)
            throw InspectaUserException.ForFile(path, $"unknown point-cloud extension '{ext}'; supported: {string.Join(", ", ReadableExtensions)}.");
        return ext;
    }

    /// <summary>Writes through a temporary file and renames it, so readers never see half a file.</summary>
    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw InspectaUserException.ForFile(path, "the output folder does not exist.");
        string temp = full + $".tmp{Environment.ProcessId}_{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw InspectaUserException.ForFile(path, $"cannot write ({ex.Message}).", ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string p)
    {
        try { File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
