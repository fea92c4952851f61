using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Persistence;

namespace Inspecta.Cluster.Jobs;

/// <summary>
/// What a silo keeps between work items of a job: the loaded model and the opened dataset category, so that the items of
/// one job pay the load once per silo. Holds the most recent two jobs; an older one's model is disposed.
/// </summary>
public sealed class JobResources : IDisposable
{
    private const int Jobs = 2;
    private readonly Lock _lock = new();
    private readonly List<(Guid Job, string Key, object Value)> _entries = [];

    public Guid CurrentJob { get; set; }

    public TrainedModel Model(string path, string? backbone) =>
        Get($"model:{path}:{backbone}", () => TrainedModel.Load(path, new ModelLoadOptions(backbone)));

    public Category Category(string dataset, string category, int seed = 0) =>
        Get($"category:{dataset}:{category}:{seed}", () => DatasetReader.Open(dataset, null, seed).Get(category));

    private T Get<T>(string key, Func<T> create) where T : notnull
    {
        lock (_lock)
        {
            var found = _entries.FirstOrDefault(e => e.Job == CurrentJob && e.Key == key);
            if (found.Value is T cached) return cached;
        }
        var value = create();
        lock (_lock)
        {
            _entries.Add((CurrentJob, key, value));
            var jobs = _entries.Select(e => e.Job).Distinct().ToList();
            foreach (var old in jobs.Take(Math.Max(0, jobs.Count - Jobs)))
                foreach (var e in _entries.Where(e => e.Job == old).ToArray())
                {
                    (e.Value as IDisposable)?.Dispose();
                    _entries.Remove(e);
                }
        }
        return value;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var e in _entries) (e.Value as IDisposable)?.Dispose();
            _entries.Clear();
        }
    }
}
