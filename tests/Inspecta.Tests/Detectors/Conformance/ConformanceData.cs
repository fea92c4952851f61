using Inspecta.Datasets;
using Inspecta.Detectors.Registry;
using Inspecta.Tests.Detectors.ThreeD;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Conformance;

/// <summary>
/// Tiny data of every input kind for the conformance tests; each method is fitted with its own
/// <see cref="MethodDescriptor.QuickOptions"/> (and the built-in resnet18 where it takes a backbone, so these run without ../shared).
/// </summary>
public sealed class ConformanceData : IDisposable
{
    private readonly ThreeDFixtures _threeD = new();
    private readonly Lazy<Category> _scans, _clouds;

    public ConformanceData()
    {
        _scans = new(() => DatasetReader.Open(_threeD.ScanRoot).Get(ThreeDFixtures.ScanClass));
        _clouds = new(() => DatasetReader.Open(_threeD.ShapeNetRoot).Get(ThreeDFixtures.ShapeClass));
    }

    public static IEnumerable<object[]> Methods(bool needsBackbone) => MethodRegistry.Default.All
        .Where(m => m.Needs.HasFlag(MethodNeeds.Backbone) == needsBackbone)
        .Select(m => new object[] { m.Id });

    public static IEnumerable<object[]> BackboneFree => Methods(false);
    public static IEnumerable<object[]> WithBackbone => Methods(true);

    public Inspecta.Detectors.IAnomalyDetector Create(string method)
    {
        var descriptor = MethodRegistry.Default.Get(method);
        var values = descriptor.QuickOptions.ToList();
        if (descriptor.Schema.Find("backbone") is not null) values.Add(("backbone", TestBackbones.ResNet18));
        return TestMethods.Create(method, [.. values]);
    }

    public (IReadOnlyList<Sample> Train, IReadOnlyList<Sample> Validation, IReadOnlyList<Sample> Test) For(string method)
    {
        switch (MethodRegistry.Default.Get(method).Input)
        {
            case InputKind.OrganizedScan:
                var scans = _scans.Value;
                return (scans.Train.Take(6).ToList(), scans.Validation, scans.Test.Where((_, i) => i % 3 == 0).ToList());
            case InputKind.PointCloud:
                var clouds = _clouds.Value;
                return (clouds.Train.Take(3).ToList(), [clouds.Train[3]], clouds.Test.Take(3).ToList());
            default:
                var train = PadimFormTests.Synthetic(6, 21, 64);
                var test = PadimFormTests.Synthetic(3, 22, 64);
                var validation = PadimFormTests.Synthetic(2, 23, 64).Select(s => s with { Split = Split.Validation }).ToArray();
                return (train, validation, test);
        }
    }

    public void Dispose() => _threeD.Dispose();
}
