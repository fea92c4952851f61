namespace Inspecta.Cluster.Grains;

/// <summary>One replica of one served model (key <c>&lt;model&gt;/&lt;replica&gt;</c>, see <see cref="Hosting.ModelKey"/>):
/// the model is loaded on the silo the grain is activated on and predicts there.</summary>
public interface IModelGrain : IGrainWithStringKey
{
    /// <param name="query">The request's raw query string (threshold, min_defect_area, include, output), as the single server reads it.</param>
    Task<RemoteAnswer> Predict(string imageName, byte[] image, string query);

    /// <summary>The model's description (<c>GET /v1/models/{name}</c>) as JSON, with the silo holding this replica.</summary>
    Task<RemoteAnswer> Describe();
}
