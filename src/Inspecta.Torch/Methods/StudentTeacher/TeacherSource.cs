using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// The frozen patch teachers of one fit, scale by scale: read from <c>--teachers</c> up front (so a mismatching file fails
/// before any training), or distilled from the backbone on the pretraining images when asked for. Owns the backbone and
/// the teachers not yet handed out.
/// </summary>
internal sealed class TeacherSource : IDisposable
{
    private readonly PatchTeacherOptions _options;
    private readonly string _method;
    private readonly PatchNetwork?[]? _given;
    private readonly TeacherBackbone? _backbone;
    private ResNet18? _network;
    private List<ImageF>? _pretraining;

    public TeacherSource(string method, PatchTeacherOptions options)
    {
        (_method, _options) = (method, options);
        if (options.Teachers is { } file) _given = PatchTeachers.Read(file, options.Layouts, method);
        else _backbone = TeacherBackbone.Resolve(options.Backbone);
    }

    /// <summary>The teacher of scale <paramref name="s"/>, frozen (eval mode, no gradients); distilled now unless given.</summary>
    public PatchNetwork Teacher(int s, IReadOnlyList<ImageF> train, IReadOnlyList<ImageF> validation, TrainingOptions training, Func<string?> checkpoint,
        JsonObject architecture, FitSinks sinks, List<TrainingEpoch> history)
    {
        PatchNetwork teacher;
        if (_given is not null)
        {
            teacher = _given[s]!;
            _given[s] = null;
        }
        else
        {
            var o = _options;
            _network ??= _backbone!.Import();
            _pretraining ??= PatchTeachers.PretrainingImages(train, o.ImageSize, o.LargestField, o.TeacherData, o.SyntheticImages, training.Seed);
            teacher = new PatchNetwork(o.Layouts[s], "teacher");
            try
            {
                var t = training with
                {
                    Epochs = o.TeacherEpochs, SamplesPerEpoch = o.TeacherSamplesPerEpoch, BatchSize = o.TeacherBatchSize,
                    LearningRate = o.TeacherLearningRate, Patience = null, CheckpointPath = checkpoint(),
                };
                history.AddRange(PatchTeachers.Distil(_method, _network, teacher, _pretraining, validation, t, architecture, sinks).History);
            }
            catch
            {
                teacher.Dispose();
                throw;
            }
        }
        foreach (var p in teacher.parameters()) p.requires_grad = false;
        teacher.eval();
        return teacher;
    }

    /// <summary>Where the teachers came from, for the model's training summary.</summary>
    public JsonObject Describe() => _backbone is null ? new JsonObject { ["from_model"] = _options.Teachers } : new JsonObject
    {
        ["distilled_from"] = new JsonObject { ["name"] = _backbone.Name, ["sha256"] = _backbone.Sha256 }, ["data"] = _options.TeacherData,
        ["synthetic_images_per_category"] = _options.TeacherData == TeacherDataChoice.TrainAndSynthetic ? _options.SyntheticImages : 0,
    };

    public void Dispose()
    {
        _network?.Dispose();
        if (_given is not null) foreach (var g in _given) g?.Dispose();
    }
}
