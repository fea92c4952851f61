namespace Inspecta.Datasets;

/// <summary>On-disk dataset layouts. Each has one reader (<see cref="IDatasetLayout"/>) registered in <see cref="DatasetReader"/>.</summary>
public enum DatasetFormat { MvtecAd, MvtecLoco, Mvtec3d, Visa, Btad, Folder, Real3dAd, AnomalyShapeNet }

/// <summary>The snake_case names used on the command line and in JSON ("mvtec_ad", "mvtec_loco", …).</summary>
public static class DatasetFormatNames
{
    /// <summary>Names that the PascalCase → snake_case rule would get wrong; new formats add an entry here when needed.</summary>
    private static readonly Dictionary<DatasetFormat, string> Explicit = new()
    {
        [DatasetFormat.Real3dAd] = "real3d_ad",
        [DatasetFormat.AnomalyShapeNet] = "anomaly_shapenet",
    };

    public static string ToName(this DatasetFormat format)
    {
        if (Explicit.TryGetValue(format, out var name)) return name;
        // PascalCase → snake_case, splitting before an upper-case letter or a digit run: MvtecAd → mvtec_ad, Mvtec3d → mvtec_3d.
        var s = format.ToString();
        var sb = new System.Text.StringBuilder(s.Length + 4);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool boundary = i > 0 && (char.IsUpper(c) || (char.IsDigit(c) && !char.IsDigit(s[i - 1])));
            if (boundary) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Parses "mvtec_ad", "mvtec-ad" or "MvtecAd" (case-insensitive); a clear user error otherwise.</summary>
    public static DatasetFormat Parse(string text)
    {
        string key = Normalize(text);
        foreach (var f in Enum.GetValues<DatasetFormat>())
            if (key == Normalize(f.ToString()) || key == Normalize(f.ToName())) return f;
        throw new InspectaUserException($"Unknown dataset format '{text}'. Known formats: {string.Join(", ", Enum.GetValues<DatasetFormat>().Select(f => f.ToName()))}.");
    }

    private static string Normalize(string s) => s.Replace("_", "").Replace("-", "").Trim().ToLowerInvariant();
}
