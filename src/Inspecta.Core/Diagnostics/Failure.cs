namespace Inspecta;

/// <summary>Whose problem a failure is: the user's (fixable input or file-system trouble), a cancellation, or a bug.</summary>
public enum FailureKind { User, Cancelled, Internal }

/// <summary>
/// Classifies what went wrong, looking through the wrappers of parallel loops and reflection, so that the CLI's exit
/// code and the bench table's error column agree on every failure.
/// </summary>
public static class Failure
{
    /// <summary>The exceptions behind wrappers (aggregates from parallel loops, reflection), flattened.</summary>
    public static IReadOnlyList<Exception> Leaves(Exception ex)
    {
        var leaves = new List<Exception>();
        void Walk(Exception e)
        {
            if (e is AggregateException agg) { foreach (var inner in agg.InnerExceptions) Walk(inner); return; }
            if (e is System.Reflection.TargetInvocationException { InnerException: { } wrapped }) { Walk(wrapped); return; }
            leaves.Add(e);
        }
        Walk(ex);
        return leaves.Count > 0 ? leaves : [ex];
    }

    /// <summary>
    /// A user mistake, or a file-system problem the user can fix (missing folder, unwritable output, a directory where
    /// a file belongs; these messages name the path). A stream ending early is not among them: its message names nothing.
    /// </summary>
    public static bool IsUserFacing(Exception ex) =>
        ex is InspectaUserException or UnauthorizedAccessException || ex is IOException and not EndOfStreamException;

    /// <summary>User when every leaf is user-facing; Cancelled when the rest are cancellations; otherwise Internal.</summary>
    public static FailureKind Classify(Exception ex)
    {
        var leaves = Leaves(ex);
        if (leaves.All(IsUserFacing)) return FailureKind.User;
        if (leaves.All(l => l is OperationCanceledException || IsUserFacing(l))) return FailureKind.Cancelled;
        return FailureKind.Internal;
    }

    /// <summary>The message to show for a user-facing leaf.</summary>
    public static string UserMessage(Exception ex) => ex is InspectaUserException ? ex.Message : $"cannot access a file: {ex.Message}";
}
