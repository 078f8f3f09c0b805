namespace ScanProxy.Notifications;

/// <summary>How the connection to the SMTP server is secured.</summary>
internal enum SmtpSecurity
{
    /// <summary>Plain text; for a relay on the same host or a trusted network only.</summary>
    None,

    /// <summary>Connects in plain text and upgrades with STARTTLS; fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Tls,
}
