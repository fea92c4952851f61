using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Synthesis.TwoD.Categories;
using Inspecta.Synthesis.TwoD.Defects;

namespace Inspecta.Synthesis.TwoD;

/// <summary>
/// Generates synthetic 2D inspection samples in memory. Every sample is a pure function of
/// (seed, category, split, defect type, index), so samples can be made in any order or in parallel
/// and the same seed always gives the same pixels.
/// </summary>
public sealed class Synth2DGenerator(Synth2DOptions options)
{
    public const string LogicalGroup = "logical_anomalies", StructuralGroup = "structural_anomalies";

    public static IReadOnlyList<CategoryRenderer2D> Categories { get; } =
        [new WeaveRenderer(), new MarbleRenderer(), new TilesRenderer(), new FlangeRenderer(), new ScrewRenderer(), new AssemblyRenderer()];

    private static readonly HashSet<string> ComponentTypes =
        [DefectTypes2D.MissingComponent, DefectTypes2D.ExtraComponent, DefectTypes2D.MisplacedComponent, DefectTypes2D.WrongColour, DefectTypes2D.MixedSeries];

    public Synth2DOptions Options { get; } = options;

    public static CategoryRenderer2D GetCategory(string name) =>
        Categories.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InspectaUserException($"Unknown 2D category '{name}'. Known: {string.Join(", ", Categories.Select(c => c.Name))}.");

    /// <summary>All samples of a category in output order (train, validation for LOCO, test good, test defects).</summary>
    public IReadOnlyList<SamplePlan2D> Plan(CategoryRenderer2D category)
    {
        var plan = new List<SamplePlan2D>();
        for (int i = 0; i < Options.TrainCount; i++) plan.Add(new(Split.Train, Sample.GoodLabel, null, Id(i), i));
        if (category.IsLoco)
            for (int i = 0; i < Options.EffectiveValidation; i++) plan.Add(new(Split.Validation, Sample.GoodLabel, null, Id(i), i));
        for (int i = 0; i < Options.EffectiveTestGood; i++) plan.Add(new(Split.Test, Sample.GoodLabel, null, Id(i), i));
        if (category.IsLoco)
        {
            AddGroup(plan, StructuralGroup, category.DefectTypes);
            AddGroup(plan, LogicalGroup, category.LogicalTypes);
        }
        else
            foreach (var type in category.DefectTypes)
                for (int i = 0; i < Options.EffectiveTestPerDefect; i++) plan.Add(new(Split.Test, type, type, Id(i), i));
        return plan;
    }

    private void AddGroup(List<SamplePlan2D> plan, string group, IReadOnlyList<string> types)
    {
        int id = 0;
        foreach (var type in types)
            for (int i = 0; i < Options.EffectiveTestPerDefect; i++) plan.Add(new(Split.Test, group, type, Id(id++), i));
    }

    private static string Id(int i) => i.ToString("000", System.Globalization.CultureInfo.InvariantCulture);

    public SyntheticImage2D Generate(CategoryRenderer2D category, SamplePlan2D item)
    {
        for (int attempt = 0; ; attempt++)
        {
            var rng = SynthRandom.For(Options.Seed, SynthRandom.Key(category.Name), (ulong)item.Split,
                SynthRandom.Key(item.DefectType ?? Sample.GoodLabel), (ulong)item.Index, (ulong)attempt);
            var layout = category.CreateLayout(rng.Fork(1), Options.Size);
            var albedo = category.Draw(layout);
            var sensor = new SensorModel(layout.Light, albedo.Channels, Options.Size, rng.Fork(2));
            var clean = sensor.Capture(albedo);
            if (item.DefectType is null)
                return new SyntheticImage2D(category.Name, item.Split, item.Label, null, item.Id, clean, clean, []);

            IReadOnlyList<float[]> regions;
            ImageF defective;
            if (ComponentTypes.Contains(item.DefectType))
            {
                var (edited, changed) = ComponentDefects.Apply(item.DefectType, layout, rng.Fork(3));
                defective = category.Draw(edited);
                regions = changed;
            }
            else
            {
                var painted = SurfaceDefectPainter.Paint(item.DefectType, albedo, category.SupportMap(layout), rng.Fork(3));
                defective = painted.Albedo;
                regions = painted.Coverages;
            }
            var masks = regions.Select(ToMask).ToList();
            // A defect too small to reach half a pixel anywhere would be an unlabelled change: draw again.
            if (masks.Any(m => m.CountNonZero() < 4) && attempt < 8) continue;
            return new SyntheticImage2D(category.Name, item.Split, item.Label, item.DefectType, item.Id, sensor.Capture(defective), clean, masks);
        }

        Mask ToMask(float[] coverage)
        {
            var mask = new Mask(Options.Size, Options.Size);
            for (int i = 0; i < coverage.Length; i++) if (coverage[i] >= 0.5f) mask.Data[i] = 255;
            return mask;
        }
    }
}
