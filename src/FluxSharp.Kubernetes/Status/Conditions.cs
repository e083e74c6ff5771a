using FluxSharp.Api;

namespace FluxSharp.Kubernetes.Status;

/// <summary>
/// Condition bookkeeping as Flux does it: one condition per type, lastTransitionTime moves only when the status
/// flips, observedGeneration is the generation the condition speaks of.
/// </summary>
public static class Conditions
{
    public static Condition? Find(IEnumerable<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IEnumerable<Condition>? conditions, string type) =>
        Find(conditions, type)?.Status == ConditionStatus.True;

    /// <summary>Returns the list with <paramref name="type"/> set; other conditions are kept in order.</summary>
    public static List<Condition> Set(IEnumerable<Condition>? conditions, string type, string status, string reason, string message, long? generation, DateTime now)
    {
        var list = conditions?.ToList() ?? [];
        var index = list.FindIndex(c => c.Type == type);
        var existing = index >= 0 ? list[index] : null;
        var updated = new Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = Truncate(message),
            ObservedGeneration = generation,
            LastTransitionTime = existing is not null && existing.Status == status ? existing.LastTransitionTime : now,
        };
        if (index >= 0)
        {
            list[index] = updated;
        }
        else
        {
            list.Add(updated);
        }

        return list;
    }

    public static List<Condition> Remove(IEnumerable<Condition>? conditions, string type) =>
        conditions?.Where(c => c.Type != type).ToList() ?? [];

    /// <summary>Kubernetes caps condition messages at 32 KiB.</summary>
    private static string Truncate(string message) => message.Length <= 32768 ? message : message[..32760] + "...";
}
