; Included by electron-builder's NSIS installer (electron-builder.yml nsis.include).
; Registers the sign-in redirect scheme com.agentdesk.desktop: for this user (perMachine: false,
; so SHCTX is HKEY_CURRENT_USER) the way app.setAsDefaultProtocolClient does at run time, so the
; first sign-in works before the app has ever started; removes it when AgentDesk is uninstalled,
; but not when an update runs the old uninstaller.

!macro customInstall
  WriteRegStr SHCTX "Software\Classes\com.agentdesk.desktop" "" "URL:AgentDesk sign-in"
  WriteRegStr SHCTX "Software\Classes\com.agentdesk.desktop" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\com.agentdesk.desktop\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\com.agentdesk.desktop\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro customUnInstall
  ${ifNot} ${isUpdated}
    DeleteRegKey SHCTX "Software\Classes\com.agentdesk.desktop"
  ${endIf}
!macroend
