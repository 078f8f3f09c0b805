using System.Text;

namespace ScanProxy.Notifications;

/// <summary>The SMTP server that detection e-mails go through (configuration section <c>ScanProxy:Smtp</c>).</summary>
internal sealed record SmtpOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "ScanProxy:Smtp";

    /// <summary>Host name or address of the SMTP server. Empty: e-mails cannot be sent and wait in the outbox.</summary>
    public string Host { get; init; } = "";

    /// <summary>TCP port of the SMTP server.</summary>
    public int Port { get; init; } = 25;

    /// <summary>The sender address of every detection e-mail.</summary>
    public string From { get; init; } = "";

    /// <summary>User name for SMTP authentication; null or empty: no authentication.</summary>
    public string? UserName { get; init; }

    /// <summary>Password for SMTP authentication. Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>How the connection is secured.</summary>
    public SmtpSecurity Security { get; init; } = SmtpSecurity.None;

    // The compiler-made ToString would print the password into any log line that formats the options.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Host = ").Append(Host)
            .Append(", Port = ").Append(Port)
            .Append(", From = ").Append(From)
            .Append(", UserName = ").Append(UserName)
            .Append(", Password = ").Append(string.IsNullOrEmpty(Password) ? "" : "***")
            .Append(", Security = ").Append(Security);
        return true;
    }
}
