/*
  counterspy starter rules: phishing content in mail bodies and
  attachments (threat-model §5.1). Our own rules.
*/

rule HTML_Credential_Form_External_Post
{
    meta:
        description = "HTML page with a password field posting to a remote URL (credential phishing)"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1566.002"
    strings:
        $html = "<html" ascii nocase
        $pw = /type\s*=\s*["']?password/ ascii nocase
        $act = /action\s*=\s*["']?https?:\/\// ascii nocase
    condition:
        $html and $pw and $act
}

rule HTML_Smuggling_Blob_Download
{
    meta:
        description = "HTML builds a file in the browser and saves it (HTML smuggling)"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1027.006"
    strings:
        $blob = "new Blob(" ascii nocase
        $url = "createObjectURL" ascii nocase
        $dl = ".download" ascii nocase
        $save = "msSaveOrOpenBlob" ascii nocase
    condition:
        $blob and ($url or $save) and ($dl or $save)
}

rule Script_Download_Execute
{
    meta:
        description = "Script downloads and runs a payload (PowerShell / WSH cradle)"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1059.001"
    strings:
        $d1 = "DownloadString" ascii wide nocase
        $d2 = "DownloadFile" ascii wide nocase
        $d3 = "Invoke-WebRequest" ascii wide nocase
        $d4 = "Net.WebClient" ascii wide nocase
        $e1 = "IEX" ascii wide fullword
        $e2 = "Invoke-Expression" ascii wide nocase
        $e3 = "Start-Process" ascii wide nocase
        $e4 = "-EncodedCommand" ascii wide nocase
    condition:
        any of ($d*) and any of ($e*)
}
