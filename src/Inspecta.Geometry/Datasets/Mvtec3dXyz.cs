using Inspecta.Geometry;
using Inspecta.Geometry.IO;

namespace Inspecta.Datasets;

/// <summary>Reads an MVTec 3D-AD <c>xyz/*.tiff</c> (float32, 3 channels) as an organised cloud; holes stay zero/NaN.</summary>
public static class Mvtec3dXyz
{
    public static OrganizedCloud Read(string path) => PointCloudIO.ReadOrganized(path);

    /// <summary>
    /// Where the rgb image of a scan lives in the MVTec 3D-AD layout (<c>…/xyz/id.tiff</c> → <c>…/rgb/id.png</c>):
    /// the existing file with any image extension, else the expected <c>.png</c> path; null when the scan does not sit in an <c>xyz</c> folder.
    /// </summary>
    public static string? RgbPathFor(string xyzPath)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(xyzPath));
        if (dir is null || Path.GetFileName(dir) != "xyz") return null;
        string rgbDir = Path.Combine(Path.GetDirectoryName(dir)!, "rgb");
        string stem = Path.GetFileNameWithoutExtension(xyzPath);
        return DatasetFiles.FindByStem(rgbDir, stem, "") ?? Path.Combine(rgbDir, stem + ".png");
    }
}
