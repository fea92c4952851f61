using System.Text.Json;
using System.Text.Json.Nodes;
using Inspecta.Cluster.Hosting;
using Inspecta.Cluster.Placement;
using Inspecta.Detectors;
using Inspecta.Server.Api;
using Inspecta.Server.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Inspecta.Cluster.Grains;

/// <summary>
/// A model replica. Activation loads the model file (the version the node started with; a file replaced since is refused,
/// since peers would answer with another version) and registers the replica for <c>cluster status</c>; deactivation (idle,
/// shutdown) releases it. Predictions run through the node's <see cref="ImagePredictor"/>, so the node's queue bound and
/// concurrency hold for requests from every front. Reentrant: concurrent requests predict together (a loaded model's
/// Predict is thread-safe), and the work runs on the thread pool, not on the grain's scheduler.
/// </summary>
[ModelReplicaPlacement, Reentrant]
internal sealed class ModelGrain(ImagePredictor predictor, NodeRegistry registry, ModelFiles files, ILocalSiloDetails silo, ILogger<ModelGrain> log) : Grain, IModelGrain
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private ModelKey _key;
    private ServedModel? _model;
    private ApiProblem? _loadFailure;
    private string SiloName => silo.SiloAddress.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = ModelKey.Parse(this.GetPrimaryKeyString());
        var file = files.Find(_key.Model);
        if (file is null)
        {
            _loadFailure = ApiProblem.NotFound($"no model '{_key.Model}' on node {SiloName} (its --models folder has {string.Join(", ", files.All.Select(f => f.Name))}).");
            return;
        }
        try
        {
            if (FileStamp.Of(file.Path) != file.Stamp)
                throw InspectaUserException.ForFile(file.Path, "was replaced after this node joined the cluster; every node must serve the version it joined with (restart the nodes one by one with the new file).");
            var started = System.Diagnostics.Stopwatch.StartNew();
            var trained = await Task.Run(() => TrainedModel.Load(file.Path), cancellationToken).ConfigureAwait(true);
            _model = new ServedModel(_key.Model, file.Path, trained, file.Stamp);
            registry.Activated(_key);
            log.LogInformation("model replica {Replica} activated on {Silo}: {Method} in {Milliseconds} ms", _key, SiloName, trained.Detector.Method, (int)started.ElapsedMilliseconds);
        }
        catch (Exception e) when (Failure.Classify(e) == FailureKind.User)
        {
            _loadFailure = new ApiProblem(StatusCodes.Status503ServiceUnavailable, $"model '{_key.Model}' failed to load on {SiloName}: {Failure.UserMessage(Failure.Leaves(e)[0])}");
            log.LogError("model replica {Replica} failed to load: {Message}", _key, _loadFailure.Message);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        registry.Deactivated(_key);
        _model?.Retire();
        log.LogInformation("model replica {Replica} deactivated on {Silo}: {Reason}", _key, SiloName, reason.Description);
        return Task.CompletedTask;
    }

    public Task<RemoteAnswer> Predict(string imageName, byte[] image, string query) => Task.Run(async () =>
    {
        try
        {
            if (_loadFailure is not null) throw _loadFailure;
            using var lease = _model!.TryAcquire() ?? throw new ApiProblem(StatusCodes.Status503ServiceUnavailable, $"model '{_key.Model}' is being unloaded on {SiloName}; retry.") { RetryAfterSeconds = 1 };
            var parsed = PredictQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)), allowOutput: true);
            var rule = parsed.Rule(lease.Model);
            using var admission = predictor.Admit(1);
            using var timeout = new CancellationTokenSource(predictor.Options.RequestTimeoutValue);
            var answer = await predictor.PredictOneAsync(lease.Model, new Upload(imageName, image), rule, batch: false, timeout.Token, CancellationToken.None);
            var doc = answer.Document!;
            registry.Predicted();
            if (parsed.Output is { } output)
            {
                var (bytes, type) = PredictEndpoints.OutputImage(doc, output, _key.Model);
                return new RemoteAnswer { Image = bytes, ImageType = type, Score = PredictEndpoints.ScoreHeader(doc.Prediction.Score), Outcome = doc.Outcome, Silo = SiloName };
            }
            return new RemoteAnswer { Json = JsonSerializer.Serialize<JsonNode>(doc.ToJson(parsed.Include), Web), Silo = SiloName };
        }
        catch (ApiProblem p) { return RemoteAnswer.From(p, SiloName); }
    });

    public Task<RemoteAnswer> Describe()
    {
        if (_loadFailure is not null) return Task.FromResult(RemoteAnswer.From(_loadFailure, SiloName));
        var json = _model!.Describe();
        json["silo"] = SiloName;
        json["replica"] = _key.Replica;
        json["sha256"] = files.Find(_key.Model)!.Sha256;
        return Task.FromResult(new RemoteAnswer { Json = JsonSerializer.Serialize<JsonNode>(json, Web), Silo = SiloName });
    }
}
