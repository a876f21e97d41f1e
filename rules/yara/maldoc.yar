/*
  counterspy starter rules: weaponised documents of the RoyalRoad /
  Equation Editor kill chain (threat-model §2, §5.2). Our own rules.
*/

rule RTF_Equation_Object_Hex
{
    meta:
        description = "RTF embeds an OLE object whose class is Equation.3 (hex-encoded, any case)"
        author = "counterspy"
        severity = "medium"
        mitre_attack = "T1203"
    strings:
        $rtf = "{\\rt" ascii
        $objdata = "objdata" ascii nocase
        // "Equation.3" hex-encoded; nocase covers upper-case digits and
        // mixed-case class names such as eQuAtIoN.3
        $eq_hex = /(4|6)5(5|7)1(5|7)5(4|6)1(5|7)4(4|6)9(4|6)f(4|6)e2e33/ nocase
    condition:
        $rtf at 0 and $objdata and $eq_hex
}

rule RTF_RoyalRoad_8t_Temp_Path
{
    meta:
        description = "RTF object data writes the RoyalRoad payload 8.t to %TEMP%"
        author = "counterspy"
        severity = "critical"
        mitre_attack = "T1027.009"
    strings:
        $rtf = "{\\rt" ascii
        // \Temp\8.t, \tmp\8.t hex-encoded
        $t1 = "5c54656d705c382e74" ascii nocase
        $t2 = "5c746d705c382e74" ascii nocase
        $t3 = "5c74656d705c382e74" ascii nocase
    condition:
        $rtf at 0 and any of ($t*)
}

rule RTF_RoyalRoad_Object_Dimensions
{
    meta:
        description = "RTF object with RoyalRoad builder dimension words (v1-v6, older)"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1203"
    strings:
        $rtf = "{\\rt" ascii
        $d1 = "\\objw2180\\objh300" ascii
        $d2 = "\\objw871\\objh811\\objscalex8\\objscaley8" ascii
    condition:
        $rtf at 0 and any of ($d*)
}

rule RTF_Objocx_Ods_Padding
{
    meta:
        description = "RTF v7 trait: \\objocx object with {\\ods padding before the object data"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1027"
    strings:
        $rtf = "{\\rt" ascii
        $ocx = "\\objocx" ascii
        $ods = "{\\ods0000" ascii
    condition:
        $rtf at 0 and $ocx and $ods
}

rule Office_Word_Addin_Startup_Drop
{
    meta:
        description = "Document or dropper references a Word add-in (.wll) in Word's STARTUP folder"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1137.006"
    strings:
        $s1 = "\\Microsoft\\Word\\STARTUP\\" ascii wide nocase
        $wll = ".wll" ascii wide nocase
    condition:
        $s1 and $wll
}

rule VBA_AutoExec_Shell
{
    meta:
        description = "VBA source with an auto-exec trigger that starts a process or downloads"
        author = "counterspy"
        severity = "high"
        mitre_attack = "T1204.002"
    strings:
        $a1 = "AutoOpen" ascii nocase
        $a2 = "Document_Open" ascii nocase
        $a3 = "Workbook_Open" ascii nocase
        $a4 = "Auto_Open" ascii nocase
        $x1 = "Shell" ascii nocase fullword
        $x2 = "WScript.Shell" ascii nocase
        $x3 = "URLDownloadToFile" ascii nocase
        $x4 = "MSXML2.XMLHTTP" ascii nocase
        $x5 = "powershell" ascii nocase
    condition:
        any of ($a*) and any of ($x*)
}
