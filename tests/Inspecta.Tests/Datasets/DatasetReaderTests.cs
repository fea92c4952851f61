using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Datasets;

public class DatasetReaderTests
{
    [SharedFact("data", "mvtec_ad", "bottle")]
    public void RealBottleHasTheOfficialCountsMasksAndSize()
    {
        var ds = DatasetReader.Open(SharedData.BottleDir);
        Assert.Equal(DatasetFormat.MvtecAd, ds.Format);
        var bottle = Assert.Single(ds.Categories);
        Assert.Equal("bottle", bottle.Name);
        Assert.True(bottle.ValidationCarved);
        Assert.Equal(21, bottle.Validation.Count);   // round(10% of 209)
        Assert.Equal(188, bottle.Train.Count);
        Assert.Empty(bottle.Train.Select(s => s.Id).Intersect(bottle.Validation.Select(s => s.Id)));
        Assert.All(bottle.Validation, s => Assert.Equal(Split.Validation, s.Split));
        var counts = bottle.Test.GroupBy(s => s.Label).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["good"] = 20, ["broken_large"] = 20, ["broken_small"] = 22, ["contamination"] = 21 }, counts);
        Assert.All(bottle.Test.Where(s => !s.IsGood), s => Assert.True(File.Exists(Assert.Single(s.MaskPaths))));
        Assert.All(bottle.Test.Where(s => s.IsGood), s => Assert.Empty(s.MaskPaths));
        foreach (var s in bottle.Train.Concat(bottle.Test))
            Assert.Equal(new ImageInfo(900, 900, 3, 8), ImageIO.ReadInfo(s.Path));

        var defect = bottle.Test.First(s => s.Label == "broken_large");
        var gt = defect.LoadGroundTruth();
        Assert.Equal((900, 900), (gt.Height, gt.Width));
        Assert.True(gt.CountNonZero() > 1000);
        Assert.All(gt.Data, b => Assert.True(b is 0 or 255));
        var goodGt = bottle.Test.First(s => s.IsGood).LoadGroundTruth();
        Assert.Equal((900, 900, 0), (goodGt.Height, goodGt.Width, goodGt.CountNonZero()));

        // Deterministic: the same seed carves the same images; another seed carves others.
        var again = DatasetReader.Open(SharedData.BottleDir).Categories[0];
        Assert.Equal(bottle.Validation.Select(s => s.Id), again.Validation.Select(s => s.Id));
        var other = DatasetReader.Open(SharedData.BottleDir, validationSeed: 1).Categories[0];
        Assert.NotEqual(bottle.Validation.Select(s => s.Id), other.Validation.Select(s => s.Id));
        Assert.Equal(21, other.Validation.Count);
    }

    [SharedFact("golden", "metrics", "loco_style", "dataset")]
    public void LocoGoldenChannelsMapToTheirDefectTypes()
    {
        var ds = DatasetReader.Open(Path.Combine(SharedData.GoldenDir, "loco_style", "dataset"));
        Assert.Equal(DatasetFormat.MvtecLoco, ds.Format);
        var cat = ds.Get("toy_loco");
        var config = Assert.IsType<LocoDefectsConfig>(cat.DefectsConfig);
        Assert.Equal(["scratch", "missing_part", "extra_part"], config.Entries.Select(e => e.DefectName));
        Assert.Equal(new LocoDefectEntry("missing_part", 244, 300, false), config.FindByPixelValue(244));
        Assert.Null(config.FindByPixelValue(7));
        Assert.Empty(cat.Train);
        Assert.Equal(12, cat.Test.Count);

        string TypesOf(string label, string id)
        {
            var s = cat.Test.Single(x => x.Label == label && x.Id == id);
            var channels = s.LoadGroundTruthChannels();
            Assert.Equal(s.MaskPaths.Count, channels.Count);
            return string.Join("+", channels.Select((m, i) => config.ForChannel(m, s.MaskPaths[i]).DefectName));
        }
        Assert.Equal("missing_part", TypesOf("logical_anomalies", "000"));
        Assert.Equal("extra_part", TypesOf("logical_anomalies", "001"));
        Assert.Equal("missing_part", TypesOf("logical_anomalies", "002"));
        Assert.Equal("extra_part", TypesOf("logical_anomalies", "003"));
        Assert.Equal("scratch+scratch", TypesOf("structural_anomalies", "002"));
        Assert.Equal("scratch", TypesOf("structural_anomalies", "000"));

        var two = cat.Test.Single(x => x.Label == "structural_anomalies" && x.Id == "002");
        var union = two.LoadGroundTruth();
        var channels2 = two.LoadGroundTruthChannels();
        Assert.Equal((72, 96), (union.Height, union.Width));
        for (int i = 0; i < union.Data.Length; i++)
            Assert.Equal(channels2.Any(c => c.Data[i] != 0) ? 255 : 0, union.Data[i]);
        Assert.Empty(cat.Test.First(s => s.IsGood).LoadGroundTruthChannels());

        var ex = Assert.Throws<InspectaUserException>(() => cat.RequireTrain());
        Assert.Contains("no training images", ex.Message);
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style", "dataset")]
    public void GoldenMvtecStyleFolderReads()
    {
        var cat = DatasetReader.Open(Path.Combine(SharedData.GoldenDir, "mvtec_ad_style", "dataset", "toy")).Categories.Single();
        Assert.Equal(DatasetFormat.MvtecAd, cat.Format);
        Assert.Single(cat.Train);       // one train image: nothing to carve
        Assert.Empty(cat.Validation);
        Assert.Equal(5, cat.Test.Count(s => s.IsGood));
        Assert.All(cat.Test.Where(s => !s.IsGood), s => Assert.Equal((72, 96), (s.LoadGroundTruth().Height, s.LoadGroundTruth().Width)));
    }

    [Fact]
    public void SyntheticMvtecAdRootWithSeveralCategories()
    {
        using var dir = new TempDir();
        SyntheticDatasets.MvtecAd(dir.Path, "b_widget");
        SyntheticDatasets.MvtecAd(dir.Path, "a_screw", train: 5, channels: 1);
        Directory.CreateDirectory(dir["not_a_category"]);
        var ds = DatasetReader.Open(dir.Path);
        Assert.Equal(["a_screw", "b_widget"], ds.Categories.Select(c => c.Name));
        var screw = ds.Get("A_SCREW");
        Assert.Equal((4, 1), (screw.Train.Count, screw.Validation.Count)); // round(0.5) away from zero = 1
        Assert.Equal(1, screw.Test[0].LoadImage().Channels); // gray stays gray
        var widget = ds.Get("b_widget");
        Assert.Equal((9, 1, 5), (widget.Train.Count, widget.Validation.Count, widget.Test.Count));
        Assert.Equal(12, widget.Test.Single(s => s.Id == "002").LoadGroundTruth().CountNonZero());
        var ex = Assert.Throws<InspectaUserException>(() => ds.Get("bottle"));
        Assert.Contains("a_screw, b_widget", ex.Message);
    }

    [Fact]
    public void SyntheticLocoUsesItsValidationFolderAndMultiChannelMasks()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.Loco(dir.Path);
        var c = DatasetReader.Open(cat).Categories.Single();
        Assert.Equal(DatasetFormat.MvtecLoco, c.Format);
        Assert.False(c.ValidationCarved);
        Assert.Equal((5, 2, 3), (c.Train.Count, c.Validation.Count, c.Test.Count));
        var logical = c.Test.Single(s => s.Label == "logical_anomalies");
        var channels = logical.LoadGroundTruthChannels();
        Assert.Equal([200, 255], channels.Select(m => (int)m.Data[0]));
        Assert.Equal(["missing_box", "scratch"], channels.Select((m, i) => c.DefectsConfig!.ForChannel(m, logical.MaskPaths[i]).DefectName));
        Assert.Equal(7, logical.LoadGroundTruth().CountNonZero());
    }

    [Fact]
    public void SyntheticMvtec3dReadsRgbXyzAndGt()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.Mvtec3d(dir.Path);
        var c = DatasetReader.Open(dir.Path).Categories.Single();
        Assert.Equal(DatasetFormat.Mvtec3d, c.Format);
        Assert.False(c.ValidationCarved);
        Assert.Equal((4, 2, 3), (c.Train.Count, c.Validation.Count, c.Test.Count));
        var crack = c.Test.First(s => s.Label == "crack");
        Assert.EndsWith(Path.Combine("crack", "rgb", "000.png"), crack.Path);
        Assert.EndsWith(Path.Combine("crack", "xyz", "000.tiff"), crack.GeometryPath);
        Assert.Equal(6, crack.LoadGroundTruth().CountNonZero());
        Assert.Equal(0, c.Test.Single(s => s.IsGood).LoadGroundTruth().CountNonZero());
        var cloud = Mvtec3dXyz.Read(crack.GeometryPath!);
        var xyzImage = ImageIO.Read(crack.GeometryPath!);
        Assert.Equal((SyntheticDatasets.H, SyntheticDatasets.W), (cloud.Height, cloud.Width));
        Assert.Equal(xyzImage[2, 1, 3], cloud.Xyz[(1 * SyntheticDatasets.W + 3) * 3 + 2]);

        File.Delete(Path.Combine(cat, "test", "crack", "xyz", "001.tiff"));
        var ex = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(cat));
        Assert.Contains("xyz", ex.Message);
    }

    [Fact]
    public void SyntheticVisaFollowsTheSplitCsv()
    {
        using var dir = new TempDir();
        SyntheticDatasets.Visa(dir.Path);
        var ds = DatasetReader.Open(dir.Path);
        Assert.Equal(DatasetFormat.Visa, ds.Format);
        Assert.Equal(["candle", "pcb1"], ds.Categories.Select(c => c.Name));
        var candle = ds.Get("candle");
        Assert.Equal((4, 1), (candle.Train.Count, candle.Validation.Count));
        Assert.Equal(["anomaly", "good"], candle.Test.Select(s => s.Label).Distinct().Order());
        var anomaly = candle.Test.First(s => s.Label == "anomaly");
        Assert.Equal(5, anomaly.LoadGroundTruth().CountNonZero());
        Assert.Equal(255, anomaly.LoadGroundTruth().Data[0]); // label value 1 becomes 255 in the union
        Assert.Equal(3, candle.Train[0].LoadImage().Channels);

        // A single VisA category folder opens too (the csv sits in its parent).
        Assert.Equal("pcb1", DatasetReader.Open(Path.Combine(dir.Path, "pcb1")).Categories.Single().Name);
    }

    [Fact]
    public void SyntheticBtadMapsOkToGood()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.Btad(dir.Path);
        var c = DatasetReader.Open(cat, DatasetFormat.Btad).Categories.Single();
        Assert.Equal((9, 1), (c.Train.Count, c.Validation.Count));
        Assert.Equal(["good", "ko", "ko"], c.Test.Select(s => s.Label).Order());
        Assert.Equal(4, c.Test.First(s => s.Label == "ko").LoadGroundTruth().CountNonZero());
    }

    [Fact]
    public void SyntheticFolderSplitsGoodImagesAndFindsMasks()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.Folder(dir.Path);
        var c = DatasetReader.Open(cat).Categories.Single();
        Assert.Equal(DatasetFormat.Folder, c.Format);
        Assert.True(c.HasPixelGroundTruth);
        Assert.Equal(10, c.Train.Count + c.Validation.Count + c.Test.Count(s => s.IsGood));
        Assert.Equal(2, c.Test.Count(s => s.IsGood));  // 20% of 10
        Assert.Equal((7, 1), (c.Train.Count, c.Validation.Count));
        Assert.Equal(["dent", "scratch"], c.Test.Where(s => !s.IsGood).Select(s => s.Label).Distinct());
        Assert.All(c.Test.Where(s => !s.IsGood), s => Assert.Equal(4, s.LoadGroundTruth().CountNonZero()));
        Assert.Empty(c.Train.Select(s => s.Id).Intersect(c.Test.Select(s => s.Id)));

        // Without a mask folder: image-level labels only, and asking for pixels is a clear error.
        string plain = SyntheticDatasets.Folder(dir.Path, "plain", masks: false);
        var p = DatasetReader.Open(plain).Categories.Single();
        Assert.False(p.HasPixelGroundTruth);
        var ex = Assert.Throws<InspectaUserException>(() => p.Test.First(s => !s.IsGood).LoadGroundTruth());
        Assert.Contains("no ground-truth mask", ex.Message);
    }

    [Fact]
    public void FormatNamesRoundTrip()
    {
        Assert.Equal("mvtec_ad", DatasetFormat.MvtecAd.ToName());
        Assert.Equal("mvtec_loco", DatasetFormat.MvtecLoco.ToName());
        Assert.Equal("mvtec_3d", DatasetFormat.Mvtec3d.ToName());
        foreach (var f in Enum.GetValues<DatasetFormat>()) Assert.Equal(f, DatasetFormatNames.Parse(f.ToName()));
        Assert.Equal(DatasetFormat.Visa, DatasetFormatNames.Parse("VisA"));
        Assert.Equal(DatasetFormat.MvtecLoco, DatasetFormatNames.Parse("mvtec-loco"));
        Assert.Contains("mvtec_ad", Assert.Throws<InspectaUserException>(() => DatasetFormatNames.Parse("coco")).Message);
    }

    [Fact]
    public void MissingFolderIsAUserError()
    {
        string path = Path.Combine(Path.GetTempPath(), "inspecta-no-such-dataset");
        var ex = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("not found", ex.Message);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["random"]);
        ex = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(dir.Path));
        Assert.Contains("not a recognised dataset", ex.Message);
        ex = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(dir.Path, DatasetFormat.Btad));
        Assert.Contains("btad", ex.Message);
    }

    [Fact]
    public void DefectWithoutMaskFailsAtOpen()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.MvtecAd(dir.Path);
        File.Delete(Path.Combine(cat, "ground_truth", "crack", "001_mask.png"));
        var ex = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(cat));
        Assert.Contains(Path.Combine(cat, "test", "crack", "001.png"), ex.Message);
        Assert.Contains("no ground-truth mask", ex.Message);
    }

    [Fact]
    public void MismatchedMaskSizeNamesBothFiles()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.MvtecAd(dir.Path);
        string mask = Path.Combine(cat, "ground_truth", "crack", "000_mask.png");
        SyntheticDatasets.MaskFile(mask, h: 5, w: 8);
        var sample = DatasetReader.Open(cat).Categories[0].Test.Single(s => s.Label == "crack" && s.Id == "000");
        var ex = Assert.Throws<InspectaUserException>(() => sample.LoadGroundTruth());
        Assert.Contains(mask, ex.Message);
        Assert.Contains(sample.Path, ex.Message);
    }

    [Fact]
    public void CorruptPngSurfacesAsUserErrorNamingTheFile()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.MvtecAd(dir.Path);
        string img = Path.Combine(cat, "test", "crack", "002.png");
        File.WriteAllBytes(img, File.ReadAllBytes(img).AsSpan(0, 20).ToArray()); // cut inside the IHDR header
        var sample = DatasetReader.Open(cat).Categories[0].Test.Single(s => s.Path == img);
        Assert.Contains(img, Assert.Throws<InspectaUserException>(() => sample.LoadImage()).Message);
        Assert.Contains(img, Assert.Throws<InspectaUserException>(() => sample.LoadGroundTruth()).Message);
    }

    [Fact]
    public void EmptyTrainOpensButRequireTrainFails()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.MvtecAd(dir.Path, train: 0);
        var c = DatasetReader.Open(cat).Categories[0];
        Assert.Empty(c.Train);
        var ex = Assert.Throws<InspectaUserException>(() => c.RequireTrain());
        Assert.Contains("widget", ex.Message);
        Assert.Equal(9, DatasetReader.Open(SyntheticDatasets.MvtecAd(dir.Path, "other")).Categories[0].RequireTrain().Count);
    }
}
