using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.PointPatchCore;
using Inspecta.Evaluation;
using Inspecta.Geometry;
using Inspecta.Geometry.IO;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.ThreeD;

public class PointCloudDatasetTests(ThreeDFixtures data) : IClassFixture<ThreeDFixtures>
{
    /// <summary>A tiny Real3D-AD-layout category: lower-case gt, numbered stems, a good test cloud with and one without GT.</summary>
    private static string WriteReal3d(TempDir tmp, bool dropDefectGt = false)
    {
        string cat = tmp["real3d/seahorse"];
        foreach (string d in (string[])["train", "test", "gt"]) Directory.CreateDirectory(Path.Combine(cat, d));
        var cloud = new PointCloud([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
        PcdWriter.Write(Path.Combine(cat, "train", "244_template.pcd"), cloud, PcdEncoding.Ascii);
        PcdWriter.Write(Path.Combine(cat, "train", "245_template.pcd"), cloud, PcdEncoding.Binary);
        PcdWriter.Write(Path.Combine(cat, "test", "1_bulge.pcd"), cloud, PcdEncoding.Ascii);
        PcdWriter.Write(Path.Combine(cat, "test", "2_sink.pcd"), cloud, PcdEncoding.Ascii);
        PcdWriter.Write(Path.Combine(cat, "test", "3_good.pcd"), cloud, PcdEncoding.Ascii);
        PcdWriter.Write(Path.Combine(cat, "test", "4_good.pcd"), cloud, PcdEncoding.Ascii);
        File.WriteAllText(Path.Combine(cat, "gt", "1_bulge.txt"), "0 0 0 1\n1 0 0 0\n0 1 0 0\n0 0 1 0\n");
        if (!dropDefectGt) File.WriteAllText(Path.Combine(cat, "gt", "2_sink.txt"), "0 0 0 0\n1 0 0 1\n0 1 0 1\n0 0 1 0\n");
        File.WriteAllText(Path.Combine(cat, "gt", "3_good.txt"), "0 0 0 0\n1 0 0 0\n0 1 0 0\n0 0 1 0\n");
        return tmp["real3d"];
    }

    [Fact]
    public void Real3d_ad_root_is_detected_with_labels_from_stems_and_all_templates_for_training()
    {
        using var tmp = new TempDir();
        var ds = DatasetReader.Open(WriteReal3d(tmp));
        Assert.Equal(DatasetFormat.Real3dAd, ds.Format);
        var cat = ds.Get("seahorse");
        Assert.Equal(2, cat.Train.Count);
        Assert.Empty(cat.Validation);
        Assert.Equal(["bulge", "sink", "good", "good"], cat.Test.Select(s => s.Label));
        Assert.All(cat.Test, s => Assert.EndsWith(".pcd", s.GeometryPath));
        Assert.Null(cat.Test.Single(s => s.Id == "4_good").PointLabelsPath);
        Assert.Equal([0, 1, 1, 0], PointLabels.Load(cat.Test.Single(s => s.Id == "2_sink")).Labels!);
        Assert.Equal([0, 0, 0, 0], PointLabels.Load(cat.Test.Single(s => s.Id == "4_good")).Labels!);
        Assert.Equal("real3d_ad", ds.FormatName);
        Assert.Equal(DatasetFormat.Real3dAd, DatasetFormatNames.Parse("real3d_ad"));
    }

    [Fact]
    public void A_defect_cloud_without_ground_truth_is_a_user_error_naming_the_file()
    {
        using var tmp = new TempDir();
        var ex = Assert.Throws<InspectaUserException>(() => DatasetReader.Open(WriteReal3d(tmp, dropDefectGt: true)));
        Assert.Contains("2_sink", ex.Message);
        var cli = CliRunner.Run("dataset", "info", tmp["real3d"]);
        Assert.Equal(2, cli.ExitCode);
    }

    [Fact]
    public void Anomaly_shapenet_category_is_detected_with_positive_as_good()
    {
        var cat = DatasetReader.Open(Path.Combine(data.ShapeNetRoot, ThreeDFixtures.ShapeClass)).Categories.Single();
        Assert.Equal(DatasetFormat.AnomalyShapeNet, cat.Format);
        Assert.Equal(4, cat.Train.Count);
        Assert.Equal(6, cat.Test.Count(s => s.IsGood));
        Assert.Equal(6, cat.Test.Where(s => !s.IsGood).Select(s => s.Label).Distinct().Count());
        Assert.All(cat.Test.Where(s => !s.IsGood), s => Assert.NotNull(s.PointLabelsPath));
        var defect = cat.Test.First(s => !s.IsGood);
        Assert.Contains(1, PointLabels.Load(defect).Labels!);
        Assert.Equal(DatasetFormat.AnomalyShapeNet, DatasetFormatNames.Parse("anomaly_shapenet"));
    }

    [Fact]
    public void Pc_patchcore_model_file_reloads_bit_identically()
    {
        var cat = DatasetReader.Open(data.ShapeNetRoot).Get(ThreeDFixtures.ShapeClass);
        var detector = new PointPatchCoreDetector(new PointPatchCoreOptions { Centres = 128, Register = true });
        detector.Fit(cat.Train);
        using var tmp = new TempDir();
        new TrainedModel(detector, null, null).Save(tmp["m.inspecta"]);
        using var loaded = TrainedModel.Load(tmp["m.inspecta"]);
        var sample = cat.Test.First(s => !s.IsGood);
        var a = detector.Predict(sample);
        var b = loaded.Detector.Predict(sample);
        Assert.Equal(a.Score, b.Score);
        Assert.Equal(a.PointScores, b.PointScores);
    }

    [Fact]
    public void Model_trainer_calibrates_point_methods_on_the_largest_good_point_score()
    {
        var cat = DatasetReader.Open(data.ShapeNetRoot).Get(ThreeDFixtures.ShapeClass);
        var detector = new PointPatchCoreDetector(new PointPatchCoreOptions { Centres = 128 });
        using var model = ModelTrainer.Train(detector, cat.Train.Take(3).ToList(), [cat.Train[3]]);
        var t = model.Thresholds!;
        Assert.Equal("max", t.Estimator);
        var held = detector.Predict(cat.Train[3]);
        Assert.Equal(held.PointScores!.Max(), t.Pixel);
        Assert.Equal(held.Score, t.Image);
    }

    [Fact]
    public void Point_evaluator_transfers_scores_to_reordered_ground_truth_points()
    {
        float[] positions = [0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0];
        float[] scores = [0.1f, 0.9f, 0.2f, 0.3f];
        // Ground truth lists the same points in reverse order: point x=1 is the anomaly.
        var gt = new PointCloud([3, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0]) { Labels = [0, 0, 1, 0] };
        var goodGt = new PointCloud((float[])positions.Clone()) { Labels = new int[4] };
        var e = new PointCloudEvaluator();
        e.Add(true, 0.9f, positions, scores, gt);
        e.Add(false, 0.3f, positions, [0.1f, 0.2f, 0.2f, 0.3f], goodGt);
        var r = e.Result("line");
        Assert.Equal(1.0, r.ObjectAuroc);
        Assert.Equal(1.0, r.PointAuroc);
        Assert.Equal(8, r.PointCount);
        Assert.Equal(1, r.AnomalousPoints);
    }
}
