using Inspecta.Datasets;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Datasets;

/// <summary>Dataset roots whose category folders use different layouts or are partly broken.</summary>
public class MixedRootTests
{
    [Fact]
    public void EachCategoryFolderIsDetectedOnItsOwn()
    {
        using var dir = new TempDir();
        SyntheticDatasets.MvtecAd(dir.Path, "widget");
        SyntheticDatasets.MvtecAd(dir.Path, "gadget");
        SyntheticDatasets.Loco(dir.Path, "boxes");   // has train/good and test: the MVTec AD probe matches it too
        var ds = DatasetReader.Open(dir.Path);
        Assert.Equal(["boxes", "gadget", "widget"], ds.Categories.Select(c => c.Name));
        Assert.Equal(DatasetFormat.MvtecLoco, ds.Get("boxes").Format);
        Assert.NotNull(ds.Get("boxes").DefectsConfig);
        Assert.Equal(2, ds.Get("boxes").Test.Single(s => s.Label == "logical_anomalies").MaskPaths.Count);
        Assert.Equal(DatasetFormat.MvtecAd, ds.Get("widget").Format);
        Assert.Null(ds.Format);
        Assert.Equal("mixed", ds.FormatName);
        Assert.Empty(ds.Unreadable);

        var single = DatasetReader.Open(Path.Combine(dir.Path, "widget"));
        Assert.Equal(DatasetFormat.MvtecAd, single.Format);
        Assert.Equal("mvtec_ad", single.FormatName);
    }

    [Fact]
    public void ABrokenCategoryDoesNotBlockTheOthers()
    {
        using var dir = new TempDir();
        SyntheticDatasets.MvtecAd(dir.Path, "widget");
        string broken = SyntheticDatasets.MvtecAd(dir.Path, "gadget");
        string missing = Path.Combine(broken, "ground_truth", "crack", "001_mask.png");
        File.Delete(missing);

        var ds = DatasetReader.Open(dir.Path);
        Assert.Equal("widget", Assert.Single(ds.Categories).Name);
        var u = Assert.Single(ds.Unreadable);
        Assert.Equal(("gadget", broken), (u.Name, u.Path));
        Assert.Contains(Path.Combine(broken, "test", "crack", "001.png"), u.Problem);
        Assert.Contains("no ground-truth mask", u.Problem);
        Assert.Equal(["gadget", "widget"], ds.AllNames);

        Assert.Equal(9, ds.Get("widget").Train.Count);
        var asked = Assert.Throws<InspectaUserException>(() => ds.Get("gadget"));
        Assert.Contains("category 'gadget' cannot be read", asked.Message);
        Assert.Contains("001.png", asked.Message);
        var all = Assert.Throws<InspectaUserException>(() => ds.RequireAllReadable("pick one"));
        Assert.Contains("1 of 2 category folders cannot be read", all.Message);
        Assert.Contains("gadget", all.Message);
        Assert.Contains("pick one", all.Message);
        Assert.Contains("Known categories: gadget, widget", Assert.Throws<InspectaUserException>(() => ds.Get("nosuch")).Message);

        // Nothing readable at all: one error naming every folder.
        File.Delete(Path.Combine(dir.Path, "widget", "ground_truth", "crack", "000_mask.png"));
        var none = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(dir.Path));
        Assert.Contains("2 of 2 category folders cannot be read", none.Message);
        Assert.Contains(Path.Combine("gadget", "test", "crack", "001.png"), none.Message);
        Assert.Contains(Path.Combine("widget", "test", "crack", "000.png"), none.Message);
    }

    [Fact]
    public void AForcedFormatReportsTheFoldersOfOtherLayoutsInsteadOfDroppingThem()
    {
        using var dir = new TempDir();
        SyntheticDatasets.MvtecAd(dir.Path, "widget");
        string boxes = SyntheticDatasets.Loco(dir.Path, "boxes");
        Directory.CreateDirectory(Path.Combine(dir.Path, "notes"));   // no category at all: skipped as before

        var loco = DatasetReader.Open(dir.Path, DatasetFormat.MvtecLoco);
        Assert.Equal("boxes", Assert.Single(loco.Categories).Name);
        var other = Assert.Single(loco.Unreadable);
        Assert.Equal("widget", other.Name);
        Assert.Contains("a mvtec_ad category, not mvtec_loco", other.Problem);

        // Forced MVTec AD reads the LOCO folder as MVTec AD, which fails: the error says what the folder looks like.
        var ad = DatasetReader.Open(dir.Path, DatasetFormat.MvtecAd);
        Assert.Equal("widget", Assert.Single(ad.Categories).Name);
        var wrong = Assert.Single(ad.Unreadable);
        Assert.Equal("boxes", wrong.Name);
        Assert.Contains(Path.Combine(boxes, "test", "logical_anomalies", "000.png"), wrong.Problem);
        Assert.Contains("looks like a mvtec_loco category", wrong.Problem);

        // A category folder opened with another layout's format says what it is.
        var ex = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(boxes, DatasetFormat.Btad));
        Assert.Contains("not a btad dataset", ex.Message);
        Assert.Contains("mvtec_loco category", ex.Message);
    }
}
