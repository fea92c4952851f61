using Inspecta.Geometry;
using Inspecta.Geometry.IO;

namespace Inspecta.Datasets;

/// <summary>Reads an MVTec 3D-AD <c>xyz/*.tiff</c> (float32, 3 channels) as an organised cloud; holes stay zero/NaN.</summary>
public static class Mvtec3dXyz
{
    public static OrganizedCloud Read(string path) => PointCloudIO.ReadOrganized(path);
}
