; Inno Setup script for PIG Desktop (Inno Setup 6.3 or later, on Windows).
;
; Build the one-folder bundle first, on Windows:   bash packaging/build.sh   (or run PyInstaller on the spec)
; then:   iscc /DAppVersion=0.1.0 packaging\windows\pig-desktop.iss
; Output: dist\pig-desktop-<version>-windows-x86_64-setup.exe
;
; Installs per user by default (no administrator rights needed); the user may choose "all users" in the
; wizard. Never built or tested on the Linux machine this project is developed on.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "PIG Desktop"
#define AppExe "pig-desktop.exe"
#define BundleDir "..\..\dist\pig-desktop-" + AppVersion + "-windows-x86_64"

[Setup]
; Keep this AppId for ever: Windows uses it to recognise upgrades and the uninstaller.
AppId={{89DD0DE7-E5B6-4FD7-96BC-27A4C6825139}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=PIG Desktop team
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=pig-desktop-{#AppVersion}-windows-x86_64-setup
SetupIconFile=..\..\resources\icons\app\pig-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; AppUserModelID matches the desktop id the app sets, so Windows groups its windows and notifications.
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "io.github.pigdesktop.PigDesktop"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon; AppUserModelID: "io.github.pigdesktop.PigDesktop"

[Registry]
; pig-desktop://job/<id> links (Copy link, tickets, mail) open the app with that job (issue 14). Per user (HKA
; is HKCU with the default lowest privileges), removed by the uninstaller. Not testable on the Linux build host.
Root: HKA; Subkey: "Software\Classes\pig-desktop"; ValueType: string; ValueName: ""; ValueData: "URL:PIG Desktop job link"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\pig-desktop"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\pig-desktop\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\pig-desktop\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
