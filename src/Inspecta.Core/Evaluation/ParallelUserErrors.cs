using System.Runtime.ExceptionServices;

namespace Inspecta.Evaluation;

/// <summary>Runs parallel work so that a user error raised inside surfaces as itself, not wrapped in an AggregateException.</summary>
internal static class ParallelUserErrors
{
    public static void Run(Action work)
    {
        try { work(); }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions.OfType<InspectaUserException>().FirstOrDefault() is { } user)
        {
            ExceptionDispatchInfo.Capture(user).Throw();
        }
    }
}
