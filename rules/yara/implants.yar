/*
  counterspy starter rules: implants and tools named in the TA428 2022
  campaign (threat-model §3, §5.2). Our own rules, from public descriptions.
*/

rule Cotx_Config_Section
{
    meta:
        description = "PE with a .cotx section (Cotx RAT configuration)"
        author = "counterspy"
        severity = "critical"
        mitre_attack = "T1587.001"
    strings:
        $sec = ".cotx" ascii
    condition:
        uint16(0) == 0x5A4D and $sec in (0..1024)
}

rule Cotx_Registry_Config
{
    meta:
        description = "References the Cotx registry configuration key HKLM\\SOFTWARE\\Intel\\Java"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1112"
    strings:
        $k = "SOFTWARE\\Intel\\Java" ascii wide nocase
        $u = "user" ascii wide
    condition:
        $k and $u
}

rule SideLoad_Known_Hijack_Dll_Names
{
    meta:
        description = "Bundle or dropper naming DLLs that TA428 tooling side-loads (RasTls.dll, wwlib.dll, PotPlayer.dll)"
        author = "counterspy"
        severity = "medium"
        mitre_attack = "T1574.001"
    strings:
        $d1 = "RasTls.dll" ascii wide nocase
        $d2 = "PotPlayer.dll" ascii wide nocase
        $h1 = "IntelGraphicsController.exe" ascii wide nocase
        $h2 = "PotPlayerMini.exe" ascii wide nocase
        $h3 = "Intel(R) Processor Graphics" ascii wide nocase
    condition:
        any of ($d*) and any of ($h*)
}

rule Ladon_Scanner_Strings
{
    meta:
        description = "Ladon lateral-movement scanner (module names and banner)"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1046"
    strings:
        $n = "Ladon" ascii wide
        $m1 = "MS17010" ascii wide
        $m2 = "SmbScan" ascii wide
        $m3 = "WmiScan" ascii wide
        $m4 = "OsScan" ascii wide
        $m5 = "OnlinePC" ascii wide
        $m6 = "SmbHashScan" ascii wide
        $m7 = "DumpLsass" ascii wide
    condition:
        $n and 3 of ($m*)
}

rule PortDoor_Marker_File
{
    meta:
        description = "PortDoor installer marker %TEMP%\\58097616.tmp or winlog.wll add-in name"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1137.006"
    strings:
        $m = "58097616.tmp" ascii wide nocase
        $w = "winlog.wll" ascii wide nocase
    condition:
        any of them
}
