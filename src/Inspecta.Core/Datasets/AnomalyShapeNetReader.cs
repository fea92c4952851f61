namespace Inspecta.Datasets;

/// <summary>
/// Anomaly-ShapeNet: <c>&lt;class&gt;/train/&lt;class&gt;_template&lt;k&gt;.pcd</c>, <c>&lt;class&gt;/test/&lt;class&gt;_&lt;type&gt;&lt;k&gt;.pcd</c>
/// (type "positive" = normal), <c>&lt;class&gt;/GT/&lt;stem&gt;.txt</c>.
/// </summary>
public sealed class AnomalyShapeNetReader : PointCloudLayout
{
    public override DatasetFormat Format => DatasetFormat.AnomalyShapeNet;
    public override string Expected => "<class>/train/*template*.pcd, <class>/test/<class>_<positive|defect><k>.pcd, <class>/GT/<stem>.txt";
    protected override string GroundTruthFolder => "GT";

    public override bool IsCategory(string directory) =>
        base.IsCategory(directory) && Directory.EnumerateDirectories(directory, "GT", new EnumerationOptions { MatchCasing = MatchCasing.CaseSensitive }).Any();

    protected override string LabelOf(string categoryName, string stem)
    {
        string rest = stem.StartsWith(categoryName + "_", StringComparison.OrdinalIgnoreCase) ? stem[(categoryName.Length + 1)..] : stem;
        string type = TrimDigits(rest);
        if (type.Length == 0) type = rest;
        return type.Equals("positive", StringComparison.OrdinalIgnoreCase) || type.Equals("good", StringComparison.OrdinalIgnoreCase) ? Sample.GoodLabel : type;
    }
}
