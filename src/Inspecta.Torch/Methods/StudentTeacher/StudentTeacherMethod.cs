using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary><c>student-teacher</c>: the registered descriptor.</summary>
public sealed class StudentTeacherMethod : MethodDescriptor<StudentTeacherOptions>
{
    public const string MethodId = "student-teacher";
    public override string Id => MethodId;
    public override string Summary => "Uninformed Students (Bergmann et al.): patch teachers distilled from ResNet-18 at p = 17/33/65, 3 students each; map = normalised regression error + predictive variance, averaged over scales";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>p = 17 on 32² images, width 4, two students, one short epoch per phase: distillation, students, calibration, save and reload in about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("scales", new[] { 17 }), ("students", 2), ("width", 4), ("descriptor-dim", 8), ("epochs", 1), ("samples-per-epoch", 2),
         ("teacher-epochs", 1), ("teacher-samples-per-epoch", 16), ("teacher-batch-size", 8), ("teacher-data", TeacherDataChoice.Train)];
    protected override IAnomalyDetector Create(StudentTeacherOptions options) => new StudentTeacherDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => StudentTeacherDetector.Load(reader, ReadOptions(reader));
}
