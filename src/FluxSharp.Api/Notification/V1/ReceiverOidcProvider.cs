using System.Text.Json.Serialization;
using FluxSharp.Api.Schema;

namespace FluxSharp.Api.Notification.V1;

/// <summary>OIDCProvider specifies an OIDC issuer trusted by a generic-oidc Receiver.</summary>
public sealed record ReceiverOidcProvider
{
    /// <summary>IssuerURL is the URL of the OIDC issuer.</summary>
    [JsonPropertyName("issuerURL")]
    [Required]
    [Pattern("^https?://")]
    public string IssuerUrl { get; init; } = "";

    /// <summary>Audience is the expected audience of the OIDC token; defaults to notification-controller.</summary>
    [JsonPropertyName("audience")]
    public string? Audience { get; init; }

    /// <summary>Variables are CEL expressions evaluated on the token claims, usable in the validations.</summary>
    [JsonPropertyName("variables")]
    public IList<ReceiverOidcVariable>? Variables { get; init; }

    /// <summary>Validations are CEL expressions that must all be true for the token to be accepted.</summary>
    [JsonPropertyName("validations")]
    [Required]
    [MinItems(1)]
    public IList<ReceiverOidcValidation> Validations { get; init; } = [];
}

/// <summary>OIDCVariable is a named CEL expression on the token claims.</summary>
public sealed record ReceiverOidcVariable
{
    /// <summary>Name of the variable.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; init; } = "";

    /// <summary>Expression is the CEL expression of the variable.</summary>
    [JsonPropertyName("expression")]
    [Required]
    public string Expression { get; init; } = "";
}

/// <summary>OIDCValidation is a CEL expression on the token claims that must be true.</summary>
public sealed record ReceiverOidcValidation
{
    /// <summary>Expression is the CEL expression that must evaluate to true.</summary>
    [JsonPropertyName("expression")]
    [Required]
    public string Expression { get; init; } = "";

    /// <summary>Message is reported when the expression is false.</summary>
    [JsonPropertyName("message")]
    [Required]
    public string Message { get; init; } = "";
}
