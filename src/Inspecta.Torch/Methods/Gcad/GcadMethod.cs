using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.StudentTeacher;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary><c>gcad</c>: the registered descriptor.</summary>
public sealed class GcadMethod : MethodDescriptor<GcadOptions>
{
    public const string MethodId = "gcad";
    public override string Id => MethodId;
    public override string Summary => "GCAD (Bergmann et al.): local student-teacher features plus a bottlenecked global encoder, U-Nets regressing both; map = normalised local + global regression error (logical anomalies)";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>p = 17 at 32², 4-channel networks, one epoch per phase: distillation, both phases, calibration, save and reload in about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("scales", new[] { 17 }), ("width", 4), ("descriptor-dim", 8), ("global-dim", 4), ("bottleneck", 4), ("global-width", 4),
         ("unet-width", 4), ("epochs", 2), ("first-phase-epochs", 1), ("skip-fade-epochs", 1), ("samples-per-epoch", 2),
         ("teacher-epochs", 1), ("teacher-samples-per-epoch", 16), ("teacher-batch-size", 8), ("teacher-data", TeacherDataChoice.Train)];
    protected override IAnomalyDetector Create(GcadOptions options) => new GcadDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => GcadDetector.Load(reader, ReadOptions(reader));
}
