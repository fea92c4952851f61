using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>Reads ground-truth mask files; several masks of one image (MVTec LOCO AD) are united.</summary>
public static class GroundTruthFiles
{
    /// <summary>The union of the masks (non-zero = defect), or null when <paramref name="paths"/> is empty.</summary>
    public static Mask? ReadUnion(IReadOnlyList<string> paths)
    {
        Mask? union = null;
        string? first = null;
        foreach (string p in paths)
        {
            var m = ImageIO.ReadMask(p);
            union ??= new Mask(m.Height, m.Width);
            first ??= p;
            if (m.Height != union.Height || m.Width != union.Width)
                throw InspectaUserException.ForFile(p, $"mask is {m.Height}×{m.Width}, but {first} of the same image is {union.Height}×{union.Width}.");
            for (int i = 0; i < m.Data.Length; i++) if (m.Data[i] != 0) union.Data[i] = 1;
        }
        return union;
    }
}
