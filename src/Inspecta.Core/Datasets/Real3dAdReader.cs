namespace Inspecta.Datasets;

/// <summary>
/// Real3D-AD: <c>&lt;class&gt;/train/&lt;n&gt;_template.pcd</c>, <c>&lt;class&gt;/test/&lt;n&gt;_{good,bulge,sink,…}.pcd</c>,
/// <c>&lt;class&gt;/gt/&lt;n&gt;_&lt;type&gt;.txt</c>. The defect type is the stem without its leading number.
/// </summary>
public sealed class Real3dAdReader : PointCloudLayout
{
    public override DatasetFormat Format => DatasetFormat.Real3dAd;
    public override string Expected => "<class>/train/*template*.pcd, <class>/test/<n>_<good|defect>.pcd, <class>/gt/<n>_<defect>.txt";
    protected override string GroundTruthFolder => "gt";

    /// <summary>Anomaly-ShapeNet has an upper-case GT folder; on case-insensitive file systems "gt" would also match it.</summary>
    public override bool IsCategory(string directory) =>
        base.IsCategory(directory) && !Directory.EnumerateDirectories(directory, "GT", new EnumerationOptions { MatchCasing = MatchCasing.CaseSensitive }).Any();

    protected override string LabelOf(string categoryName, string stem)
    {
        int i = 0;
        while (i < stem.Length && char.IsAsciiDigit(stem[i])) i++;
        string type = stem[i..].TrimStart('_');
        if (type.Length == 0) type = stem;
        return type.Equals("good", StringComparison.OrdinalIgnoreCase) ? Sample.GoodLabel : type;
    }
}
