using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.PointPatchCore;
using Inspecta.Evaluation;
using Xunit.Abstractions;

namespace Inspecta.Tests.Detectors.ThreeD;

public class PointPatchCoreTests(ThreeDFixtures data, ITestOutputHelper output) : IClassFixture<ThreeDFixtures>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pc_patchcore_separates_defective_clouds_and_points(bool register)
    {
        var category = DatasetReader.Open(data.ShapeNetRoot).Get(ThreeDFixtures.ShapeClass);
        Assert.Equal(DatasetFormat.AnomalyShapeNet, category.Format);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var detector = new PointPatchCoreDetector(new PointPatchCoreOptions { Register = register });
        detector.Fit(category.Train);
        double fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var evaluator = new PointCloudEvaluator();
        foreach (var s in category.Test)
        {
            var p = detector.Predict(s);
            var cloud = GeometryInput.ReadCloud(s, "test");
            evaluator.Add(!s.IsGood, p.Score, cloud.Positions, p.PointScores!, PointLabels.Load(s));
        }
        var r = evaluator.Result(category.Name);
        output.WriteLine($"register={register}: object AUROC {r.ObjectAuroc:F3}, point AUROC {r.PointAuroc:F3}, point AP {r.PointAp:F3}; fit {fit:F2} s, predict {sw.Elapsed.TotalSeconds / category.Test.Count:F3} s/cloud; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Assert.True(r.PointAuroc > 0.8, $"point AUROC {r.PointAuroc}");
        Assert.True(r.ObjectAuroc > 0.7, $"object AUROC {r.ObjectAuroc}");
    }
}
