using System.Text.RegularExpressions;
using FluxSharp.Api.Notification.V1beta3;

namespace FluxSharp.Controllers.Notification;

/// <summary>Why an Alert does not take an event, or the problem found in it (told as a Warning event on the Alert).</summary>
public sealed record AlertProblem(string Reason, string Message);

/// <summary>
/// Decides which Alerts take an event, as notification-controller does: not suspended; an event source with the
/// event's kind and namespace (the Alert's when unset), name or <c>*</c>, matchLabels on the involved object;
/// eventSeverity error takes only errors; the message matches an inclusionList regex (when any) and no
/// exclusionList regex.
/// </summary>
public sealed class AlertMatcher
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);
    private readonly Func<NotificationEvent, CancellationToken, Task<IDictionary<string, string>?>> _labels;
    private readonly Dictionary<string, Regex?> _regexes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <param name="labels">The labels of the involved object; null when it cannot be read.</param>
    public AlertMatcher(Func<NotificationEvent, CancellationToken, Task<IDictionary<string, string>?>> labels) => _labels = labels;

    /// <summary>True when the Alert takes the event; problems met on the way (bad regex, unreadable object) are added to <paramref name="problems"/>.</summary>
    public async Task<bool> MatchesAsync(Alert alert, NotificationEvent ev, List<AlertProblem> problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(problems);
        if (alert.Spec.Suspend == true)
        {
            return false;
        }

        var matched = false;
        foreach (var source in alert.Spec.EventSources)
        {
            if (await SourceMatchesAsync(alert, source, ev, problems, cancellationToken))
            {
                matched = true;
                break;
            }
        }

        if (!matched)
        {
            return false;
        }

        if (alert.Spec.InclusionList is { Count: > 0 } include && !include.Any(e => IsMatch(e, "inclusion", ev.Message, problems)))
        {
            return false;
        }

        return alert.Spec.ExclusionList is not { Count: > 0 } exclude || !exclude.Any(e => IsMatch(e, "exclusion", ev.Message, problems));
    }

    private async Task<bool> SourceMatchesAsync(Alert alert, CrossNamespaceObjectReference source, NotificationEvent ev, List<AlertProblem> problems, CancellationToken cancellationToken)
    {
        var ns = string.IsNullOrEmpty(source.Namespace) ? alert.Metadata.NamespaceProperty : source.Namespace;
        if (ev.InvolvedObject.NamespaceProperty != ns || ev.InvolvedObject.Kind != source.Kind)
        {
            return false;
        }

        var severity = alert.Spec.EventSeverity ?? NotificationEvent.SeverityInfo;
        if (ev.Severity != severity && severity != NotificationEvent.SeverityInfo)
        {
            return false;
        }

        if (source.Name != "*" && source.Name != ev.InvolvedObject.Name)
        {
            return false;
        }

        if (source.MatchLabels is null)
        {
            return true;
        }

        var labels = await _labels(ev, cancellationToken);
        if (labels is null)
        {
            problems.Add(new AlertProblem("SourceFetchFailed", $"error getting source object {ev.InvolvedObject.Kind}/{ev.InvolvedObject.NamespaceProperty}/{ev.InvolvedObject.Name}"));
            return false;
        }

        return source.MatchLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);
    }

    private bool IsMatch(string expression, string list, string message, List<AlertProblem> problems)
    {
        var regex = Compile(expression);
        if (regex is null)
        {
            problems.Add(new AlertProblem("InvalidConfig", $"failed to compile {list} regex: {expression}"));
            return false;
        }

        try
        {
            return regex.IsMatch(message);
        }
        catch (RegexMatchTimeoutException)
        {
            problems.Add(new AlertProblem("InvalidConfig", $"{list} regex timed out: {expression}"));
            return false;
        }
    }

    /// <summary>Go regexps (RE2) are mostly .NET regexps too; compiled once per expression, null when invalid.</summary>
    private Regex? Compile(string expression)
    {
        lock (_gate)
        {
            if (!_regexes.TryGetValue(expression, out var regex))
            {
                try
                {
                    regex = new Regex(expression, RegexOptions.CultureInvariant, RegexTimeout);
                }
                catch (ArgumentException)
                {
                    regex = null;
                }

                if (_regexes.Count > 10_000)
                {
                    _regexes.Clear();
                }

                _regexes[expression] = regex;
            }

            return regex;
        }
    }
}
